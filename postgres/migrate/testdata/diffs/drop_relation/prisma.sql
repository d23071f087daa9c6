-- DropForeignKey
ALTER TABLE "P" DROP CONSTRAINT "P_uId_fkey";

-- DropIndex
DROP INDEX "P_uId_idx";
