-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "E" AS ENUM ('A', 'b');

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "e" "E" NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
