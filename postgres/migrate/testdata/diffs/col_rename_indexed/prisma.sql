-- DropIndex
DROP INDEX "T_a_key";

-- DropIndex
DROP INDEX "T_b_a_idx";

-- AlterTable
ALTER TABLE "T" DROP COLUMN "a",
ADD COLUMN     "aa" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "T_aa_key" ON "T"("aa");

-- CreateIndex
CREATE INDEX "T_b_aa_idx" ON "T"("b", "aa");
