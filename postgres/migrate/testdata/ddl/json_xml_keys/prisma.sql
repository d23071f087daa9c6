-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "JsonUnique" (
    "id" INTEGER NOT NULL,
    "j" JSONB NOT NULL,
    "k" INTEGER NOT NULL,

    CONSTRAINT "JsonUnique_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JsonId" (
    "j" JSONB NOT NULL,

    CONSTRAINT "JsonId_pkey" PRIMARY KEY ("j")
);

-- CreateTable
CREATE TABLE "BytesUnique" (
    "id" INTEGER NOT NULL,
    "b" BYTEA NOT NULL,

    CONSTRAINT "BytesUnique_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "JsonUnique_j_key" ON "JsonUnique"("j");

-- CreateIndex
CREATE INDEX "JsonUnique_j_k_idx" ON "JsonUnique"("j", "k");

-- CreateIndex
CREATE UNIQUE INDEX "JsonUnique_j_k_key" ON "JsonUnique"("j", "k");

-- CreateIndex
CREATE UNIQUE INDEX "BytesUnique_b_key" ON "BytesUnique"("b");
