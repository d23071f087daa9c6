-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Color" AS ENUM ('r', 'r', '');

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "c" "Color" NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
