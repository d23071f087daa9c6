-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "things" AS ENUM ('X');

-- CreateTable
CREATE TABLE "things" (
    "id" INTEGER NOT NULL,
    "t" "things" NOT NULL,

    CONSTRAINT "things_pkey" PRIMARY KEY ("id")
);
