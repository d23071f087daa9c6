-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "a" INTEGER NOT NULL,
    "b" TEXT NOT NULL,
    "c" JSONB NOT NULL,
    "d" INTEGER[],
    "e" INET NOT NULL,
    "f" TIMESTAMP(3) NOT NULL,
    "g" tsvector,
    "h" VARCHAR(20) NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T" USING HASH ("a");

-- CreateIndex
CREATE INDEX "T_b_idx" ON "T"("b" text_pattern_ops);

-- CreateIndex
CREATE INDEX "T_c_idx" ON "T" USING GIN ("c" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "T_d_idx" ON "T" USING GIN ("d" array_ops);

-- CreateIndex
CREATE INDEX "T_e_idx" ON "T" USING GIST ("e" inet_ops);

-- CreateIndex
CREATE INDEX "T_f_idx" ON "T" USING BRIN ("f" timestamp_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "t_b_spgist" ON "T" USING SPGIST ("b" text_ops);

-- CreateIndex
CREATE INDEX "t_a_f" ON "T"("a" DESC, "f" ASC);

-- CreateIndex
CREATE INDEX "T_h_idx" ON "T" USING BRIN ("h");

-- CreateIndex
CREATE INDEX "legacy_name" ON "T" USING GIN ("c");
