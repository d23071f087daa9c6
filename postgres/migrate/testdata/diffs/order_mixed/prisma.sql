-- CreateEnum
CREATE TYPE "Fresh" AS ENUM ('Y');

-- AlterEnum
BEGIN;
CREATE TYPE "Keep_new" AS ENUM ('A', 'C');
ALTER TABLE "T" ALTER COLUMN "keep" TYPE "Keep_new" USING ("keep"::text::"Keep_new");
ALTER TYPE "Keep" RENAME TO "Keep_old";
ALTER TYPE "Keep_new" RENAME TO "Keep";
DROP TYPE "Keep_old";
COMMIT;

-- DropForeignKey
ALTER TABLE "R" DROP CONSTRAINT "R_tId_fkey";

-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_b_key";

-- AlterTable
ALTER TABLE "T" DROP COLUMN "b",
ADD COLUMN     "c" TEXT NOT NULL,
ADD COLUMN     "fresh" "Fresh",
ALTER COLUMN "a" SET DATA TYPE BIGINT;

-- DropTable
DROP TABLE "Gone";

-- DropEnum
DROP TYPE "Old";

-- CreateTable
CREATE TABLE "N" (
    "id" INTEGER NOT NULL,
    "tId" INTEGER NOT NULL,

    CONSTRAINT "N_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "T_c_key" ON "T"("c");

-- CreateIndex
CREATE INDEX "T_a_c_idx" ON "T"("a", "c");

-- AddForeignKey
ALTER TABLE "R" ADD CONSTRAINT "R_tId_fkey" FOREIGN KEY ("tId") REFERENCES "T"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "N" ADD CONSTRAINT "N_tId_fkey" FOREIGN KEY ("tId") REFERENCES "T"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
