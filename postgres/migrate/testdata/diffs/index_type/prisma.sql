-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_b_idx";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a");

-- CreateIndex
CREATE INDEX "T_b_idx" ON "T"("b");
