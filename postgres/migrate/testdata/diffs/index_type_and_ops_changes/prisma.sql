-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_b_idx";

-- DropIndex
DROP INDEX "c_idx";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T" USING HASH ("a");

-- CreateIndex
CREATE INDEX "T_b_idx" ON "T" USING GIN ("b" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "c_idx" ON "T"("c" DESC);
