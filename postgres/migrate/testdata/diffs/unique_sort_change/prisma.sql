-- DropIndex
DROP INDEX "T_b_idx";

-- DropIndex
DROP INDEX "T_a_b_key";

-- CreateIndex
CREATE INDEX "T_b_idx" ON "T"("b" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "T_a_b_key" ON "T"("a" DESC, "b");
