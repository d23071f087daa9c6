-- RenameForeignKey
ALTER TABLE "B" RENAME CONSTRAINT "B_aId_fkey" TO "b_a_fk";

-- RenameIndex
ALTER INDEX "B_aId_idx" RENAME TO "b_a_idx";
