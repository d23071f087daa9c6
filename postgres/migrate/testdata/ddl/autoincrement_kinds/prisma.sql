-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Big" (
    "id" BIGSERIAL NOT NULL,
    "seq" SERIAL NOT NULL,

    CONSTRAINT "Big_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Small" (
    "id" SMALLSERIAL NOT NULL,

    CONSTRAINT "Small_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Plain" (
    "id" INTEGER NOT NULL,
    "num" BIGSERIAL NOT NULL,

    CONSTRAINT "Plain_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Big_seq_key" ON "Big"("seq");
