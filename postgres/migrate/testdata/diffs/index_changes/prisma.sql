-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_b_a_idx";

-- DropIndex
DROP INDEX "T_c_idx";

-- DropIndex
DROP INDEX "T_d_idx";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T" USING HASH ("a");

-- CreateIndex
CREATE INDEX "T_b_a_idx" ON "T"("b" DESC, "a");

-- CreateIndex
CREATE INDEX "T_c_idx" ON "T" USING GIN ("c" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "T_d_idx" ON "T" USING BRIN ("d");

-- CreateIndex
CREATE INDEX "T_tags_idx" ON "T" USING GIN ("tags");

-- RenameIndex
ALTER INDEX "T_a_b_key" RENAME TO "t_ab";
