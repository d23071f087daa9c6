-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "E" AS ENUM ('X');

-- CreateTable
CREATE TABLE "aa" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "aa_pkey" PRIMARY KEY ("id")
);
