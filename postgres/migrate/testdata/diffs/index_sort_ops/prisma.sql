-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_j_idx";

-- DropIndex
DROP INDEX "T_tags_idx";

-- DropIndex
DROP INDEX "T_t_idx";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a" DESC);

-- CreateIndex
CREATE INDEX "T_j_idx" ON "T" USING GIN ("j" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "T_tags_idx" ON "T" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "T_t_idx" ON "T" USING HASH ("t");
