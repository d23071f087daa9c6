-- DropIndex
DROP INDEX "T_a_key";

-- DropIndex
DROP INDEX "T_b_c_key";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a");

-- CreateIndex
CREATE UNIQUE INDEX "T_c_b_key" ON "T"("c", "b");
