-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "audit";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "audit"."Kind" AS ENUM ('LOGIN', 'LOGOUT');

-- CreateTable
CREATE TABLE "Account" (
    "id" INTEGER NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit"."Event" (
    "id" INTEGER NOT NULL,
    "kind" "audit"."Kind" NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "raw" TEXT NOT NULL
);
