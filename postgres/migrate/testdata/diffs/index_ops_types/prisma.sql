-- DropIndex
DROP INDEX "Doc_data_idx";

-- DropIndex
DROP INDEX "Doc_title_idx";

-- DropIndex
DROP INDEX "Doc_n_idx";

-- DropIndex
DROP INDEX "Doc_at_idx";

-- CreateIndex
CREATE INDEX "Doc_data_idx" ON "Doc" USING GIN ("data" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Doc_title_idx" ON "Doc"("title");

-- CreateIndex
CREATE INDEX "Doc_n_idx" ON "Doc" USING BRIN ("n" int4_bloom_ops);

-- CreateIndex
CREATE INDEX "Doc_at_idx" ON "Doc"("at");
