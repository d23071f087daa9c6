-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "a" INTEGER[],
    "b" JSONB NOT NULL,
    "c" TEXT[],

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a");

-- CreateIndex
CREATE INDEX "T_c_idx" ON "T" USING GIN ("c");

-- CreateIndex
CREATE INDEX "T_b_idx" ON "T" USING HASH ("b");

-- CreateIndex
CREATE UNIQUE INDEX "T_b_key" ON "T"("b");
