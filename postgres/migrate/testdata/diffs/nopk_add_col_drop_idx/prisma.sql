-- DropIndex
DROP INDEX "T_b_idx";

-- AlterTable
ALTER TABLE "T" ADD COLUMN     "c" INTEGER;
