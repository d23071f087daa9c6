-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "I" (
    "id" INTEGER NOT NULL,
    "a" TEXT NOT NULL,
    "b" INTEGER NOT NULL,
    "j" JSONB NOT NULL,
    "r" INTEGER[],
    "t" TIMESTAMP(3) NOT NULL,
    "ip" INET NOT NULL,
    "c" CHAR(10) NOT NULL,

    CONSTRAINT "I_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "I_a_idx" ON "I" USING HASH ("a");

-- CreateIndex
CREATE INDEX "I_j_idx" ON "I" USING GIN ("j" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "I_r_idx" ON "I" USING GIN ("r");

-- CreateIndex
CREATE INDEX "I_t_idx" ON "I" USING BRIN ("t");

-- CreateIndex
CREATE INDEX "I_ip_idx" ON "I" USING GIST ("ip" inet_ops);

-- CreateIndex
CREATE INDEX "i_a_spgist" ON "I" USING SPGIST ("a" text_ops);

-- CreateIndex
CREATE INDEX "I_b_a_idx" ON "I"("b" DESC, "a" ASC);

-- CreateIndex
CREATE INDEX "I_c_idx" ON "I" USING BRIN ("c" bpchar_minmax_ops);

-- CreateIndex
CREATE UNIQUE INDEX "a_b_uq" ON "I"("a", "b");
