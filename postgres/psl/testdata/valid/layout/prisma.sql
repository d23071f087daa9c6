-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "E" AS ENUM ('X', 'Y', 'Z');

-- CreateTable
CREATE TABLE "a_table" (
    "id" SERIAL NOT NULL,
    "the_label" TEXT,

    CONSTRAINT "a_table_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "B" (
    "id" INTEGER NOT NULL,
    "aId" INTEGER NOT NULL,
    "longFieldName" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "B_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "B" ADD CONSTRAINT "B_aId_fkey" FOREIGN KEY ("aId") REFERENCES "a_table"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
