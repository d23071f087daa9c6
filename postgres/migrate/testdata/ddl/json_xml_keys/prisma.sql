-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "JsonUnique" (
    "id" INTEGER NOT NULL,
    "j" JSONB NOT NULL,
    "d" JSON NOT NULL,
    "k" INTEGER NOT NULL,

    CONSTRAINT "JsonUnique_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JsonId" (
    "j" JSONB NOT NULL,

    CONSTRAINT "JsonId_pkey" PRIMARY KEY ("j")
);

-- CreateTable
CREATE TABLE "XmlId" (
    "x" XML NOT NULL,

    CONSTRAINT "XmlId_pkey" PRIMARY KEY ("x")
);

-- CreateTable
CREATE TABLE "XmlCompoundId" (
    "x" XML NOT NULL,
    "k" INTEGER NOT NULL,

    CONSTRAINT "XmlCompoundId_pkey" PRIMARY KEY ("x","k")
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
CREATE UNIQUE INDEX "JsonUnique_d_key" ON "JsonUnique"("d");

-- CreateIndex
CREATE INDEX "JsonUnique_d_idx" ON "JsonUnique"("d");

-- CreateIndex
CREATE UNIQUE INDEX "JsonUnique_j_k_key" ON "JsonUnique"("j", "k");

-- CreateIndex
CREATE UNIQUE INDEX "BytesUnique_b_key" ON "BytesUnique"("b");
