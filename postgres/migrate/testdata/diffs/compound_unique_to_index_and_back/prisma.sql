-- DropIndex
DROP INDEX "T_b_idx";

-- DropIndex
DROP INDEX "T_a_b_key";

-- CreateIndex
CREATE INDEX "T_a_b_idx" ON "T"("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "T_b_key" ON "T"("b");
