-- AlterTable
CREATE SEQUENCE a_n_seq;
ALTER TABLE "A" ALTER COLUMN "id" DROP DEFAULT,
ALTER COLUMN "n" SET DEFAULT nextval('a_n_seq');
ALTER SEQUENCE a_n_seq OWNED BY "A"."n";

-- AlterTable
CREATE SEQUENCE b_id_seq;
ALTER TABLE "B" ALTER COLUMN "id" SET DEFAULT nextval('b_id_seq'),
ALTER COLUMN "n" DROP DEFAULT;
ALTER SEQUENCE b_id_seq OWNED BY "B"."id";

-- CreateIndex
CREATE UNIQUE INDEX "A_n_key" ON "A"("n");
