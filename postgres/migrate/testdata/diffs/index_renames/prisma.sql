-- DropIndex
DROP INDEX "c_idx";

-- AlterTable
ALTER TABLE "T" RENAME CONSTRAINT "T_pkey" TO "T_primary";

-- CreateIndex
CREATE INDEX "c_idx" ON "T" USING HASH ("c");

-- RenameIndex
ALTER INDEX "T_b_idx" RENAME TO "T_b_index";

-- RenameIndex
ALTER INDEX "T_a_b_key" RENAME TO "T_ab_unique";
