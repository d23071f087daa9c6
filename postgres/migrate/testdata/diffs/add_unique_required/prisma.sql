-- AlterTable
ALTER TABLE "T" ALTER COLUMN "nick" SET NOT NULL,
ALTER COLUMN "age" SET NOT NULL,
ALTER COLUMN "age" SET DEFAULT 18;

-- CreateIndex
CREATE UNIQUE INDEX "T_email_key" ON "T"("email");

-- CreateIndex
CREATE UNIQUE INDEX "T_nick_key" ON "T"("nick");
