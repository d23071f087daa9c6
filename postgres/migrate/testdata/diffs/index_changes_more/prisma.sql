-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_b_c_idx";

-- DropIndex
DROP INDEX "T_d_idx";

-- DropIndex
DROP INDEX "T_c_key";

-- CreateIndex
CREATE INDEX "T_b_c_idx" ON "T"("b" DESC, "c");

-- CreateIndex
CREATE INDEX "t_d_idx" ON "T"("d");

-- CreateIndex
CREATE UNIQUE INDEX "T_a_key" ON "T"("a");

-- CreateIndex
CREATE UNIQUE INDEX "T_c_d_key" ON "T"("c", "d");
