-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Metric" (
    "id" BIGSERIAL NOT NULL,
    "ip" INET NOT NULL,
    "day" DATE NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "small" SMALLINT NOT NULL,
    "u" UUID NOT NULL,
    "r" REAL NOT NULL,
    "amt" DECIMAL(12,2) NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "tags" INTEGER[],
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "Metric_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Metric_ip_idx" ON "Metric" USING GIST ("ip" inet_ops);

-- CreateIndex
CREATE INDEX "Metric_name_idx" ON "Metric" USING SPGIST ("name" text_ops);

-- CreateIndex
CREATE INDEX "Metric_day_idx" ON "Metric" USING BRIN ("day" date_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "Metric_at_idx" ON "Metric" USING BRIN ("at" timestamptz_bloom_ops);

-- CreateIndex
CREATE INDEX "Metric_small_u_idx" ON "Metric" USING BRIN ("small" int2_minmax_ops, "u" uuid_bloom_ops);

-- CreateIndex
CREATE INDEX "Metric_r_amt_idx" ON "Metric" USING BRIN ("r" float4_minmax_ops, "amt" numeric_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "Metric_data_idx" ON "Metric" USING GIN ("data" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Metric_tags_idx" ON "Metric" USING GIN ("tags" array_ops);

-- CreateIndex
CREATE INDEX "metric_name_hash" ON "Metric" USING HASH ("name");

-- CreateIndex
CREATE INDEX "Metric_seq_name_idx" ON "Metric"("seq" DESC, "name" ASC);
