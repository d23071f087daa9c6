-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "E" AS ENUM ('X');

-- CreateTable
CREATE TABLE "t" (
    "id" INTEGER NOT NULL,
    "a" INTEGER NOT NULL,

    CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
