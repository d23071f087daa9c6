-- AlterTable
CREATE SEQUENCE t_id_seq;
ALTER TABLE "T" ALTER COLUMN "id" SET DEFAULT nextval('t_id_seq');
ALTER SEQUENCE t_id_seq OWNED BY "T"."id";

-- AlterTable
ALTER TABLE "S" ALTER COLUMN "id" DROP DEFAULT;
