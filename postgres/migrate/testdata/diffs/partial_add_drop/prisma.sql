-- DropIndex
DROP INDEX "U_email_key";

-- DropIndex
DROP INDEX "U_code_key";

-- DropIndex
DROP INDEX "U_n_idx";

-- DropIndex
DROP INDEX "U_s_idx";

-- DropIndex
DROP INDEX "x2";

-- DropIndex
DROP INDEX "U_n_s_key";

-- CreateIndex
CREATE UNIQUE INDEX "U_email_key" ON "U"("email") WHERE ("active" = true);

-- CreateIndex
CREATE UNIQUE INDEX "U_code_key" ON "U"("code");

-- CreateIndex
CREATE INDEX "U_n_idx" ON "U"("n") WHERE ("s" IS NULL);

-- CreateIndex
CREATE INDEX "U_s_idx" ON "U"("s");

-- CreateIndex
CREATE INDEX "x2" ON "U"("a") WHERE ("s" = 'its');

-- CreateIndex
CREATE UNIQUE INDEX "U_n_s_key" ON "U"("n", "s") WHERE (a);
