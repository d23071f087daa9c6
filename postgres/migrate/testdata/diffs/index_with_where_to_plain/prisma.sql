-- DropIndex
DROP INDEX "T_email_kind_idx";

-- DropIndex
DROP INDEX "k";

-- CreateIndex
CREATE INDEX "T_email_idx" ON "T" USING HASH ("email");

-- CreateIndex
CREATE INDEX "k" ON "T"("kind" DESC);

-- CreateIndex
CREATE INDEX "T_email_kind_idx" ON "T" USING BRIN ("email", "kind");
