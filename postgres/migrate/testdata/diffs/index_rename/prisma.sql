-- RenameIndex
ALTER INDEX "T_b_key" RENAME TO "b_uq";

-- RenameIndex
ALTER INDEX "T_a_idx" RENAME TO "a_idx";
