-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "app";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "ref";

-- CreateEnum
CREATE TYPE "ref"."role" AS ENUM ('ADMIN', 'user');

-- CreateEnum
CREATE TYPE "app"."role" AS ENUM ('X');

-- CreateTable
CREATE TABLE "app"."Account" (
    "id" INTEGER NOT NULL,
    "role" "ref"."role" NOT NULL DEFAULT 'user',
    "roles" "ref"."role"[],
    "r2" "app"."role",

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ref"."Audit" (
    "id" INTEGER NOT NULL,
    "role" "ref"."role" NOT NULL,

    CONSTRAINT "Audit_pkey" PRIMARY KEY ("id")
);
