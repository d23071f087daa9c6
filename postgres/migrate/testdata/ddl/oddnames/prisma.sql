-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "colour-kind" AS ENUM ('light red', 'Dark"Blue');

-- CreateTable
CREATE TABLE "odd table" (
    "ID" SERIAL NOT NULL,
    "the name" TEXT NOT NULL,
    "Colour" "colour-kind" NOT NULL DEFAULT 'light red',
    "camelCase" TEXT NOT NULL,
    "it's" TEXT NOT NULL,

    CONSTRAINT "Odd PK" PRIMARY KEY ("ID")
);

-- CreateTable
CREATE TABLE "kid" (
    "id" INTEGER NOT NULL,
    "odd id" INTEGER NOT NULL,

    CONSTRAINT "kid_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Compound" (
    "a" INTEGER NOT NULL,
    "b" TEXT NOT NULL,
    "c" DATE NOT NULL,

    CONSTRAINT "compound_ab_pk" PRIMARY KEY ("a","b")
);

-- CreateIndex
CREATE UNIQUE INDEX "odd.name" ON "odd table"("the name");

-- CreateIndex
CREATE INDEX "Odd idx" ON "odd table"("the name", "camelCase");

-- CreateIndex
CREATE UNIQUE INDEX "kid uq" ON "kid"("odd id", "id");

-- CreateIndex
CREATE INDEX "Compound_c_a_idx" ON "Compound"("c" DESC, "a");

-- CreateIndex
CREATE UNIQUE INDEX "Compound_b_c_key" ON "Compound"("b", "c");

-- AddForeignKey
ALTER TABLE "kid" ADD CONSTRAINT "Kid->Odd" FOREIGN KEY ("odd id") REFERENCES "odd table"("ID") ON DELETE RESTRICT ON UPDATE CASCADE;
