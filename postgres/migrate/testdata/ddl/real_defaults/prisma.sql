-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Color" AS ENUM ('RED', 'GREEN');

-- CreateTable
CREATE TABLE "D" (
    "id" TEXT NOT NULL,
    "u7" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "c2" TEXT NOT NULL,
    "ulid" TEXT NOT NULL,
    "n" INTEGER NOT NULL DEFAULT -1,
    "f" DOUBLE PRECISION NOT NULL DEFAULT 1.5,
    "big" BIGINT NOT NULL DEFAULT 9007199254740993,
    "b" BOOLEAN NOT NULL DEFAULT true,
    "s" TEXT NOT NULL DEFAULT 'a "q" \ b',
    "colors" "Color"[] DEFAULT ARRAY['RED', 'GREEN']::"Color"[],
    "ints" INTEGER[] DEFAULT ARRAY[1, 2]::INTEGER[],
    "strs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "j" JSONB NOT NULL DEFAULT '{"a": 1}',
    "at" TIMESTAMPTZ(0) NOT NULL DEFAULT now(),
    "seq" SMALLSERIAL NOT NULL,
    "dt" DATE NOT NULL,
    "tm" TIME(3) NOT NULL,
    "by" BYTEA NOT NULL DEFAULT '\x68656c6c6f',
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 1.10,
    "money" MONEY NOT NULL,
    "oid" OID NOT NULL,
    "real" REAL NOT NULL,
    "xml" XML NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),

    CONSTRAINT "D_pkey" PRIMARY KEY ("id")
);
