-- DropIndex
DROP INDEX "T_a_b_idx";

-- AlterTable
ALTER TABLE "T" DROP COLUMN "a",
DROP COLUMN "b",
DROP COLUMN "c",
DROP COLUMN "d";
