-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "E" AS ENUM ('A', 'b-val');

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "es" "E"[] DEFAULT ARRAY['A', 'b-val']::"E"[],
    "ns" INTEGER[] DEFAULT ARRAY[1, 2, 3]::INTEGER[],
    "fs" DOUBLE PRECISION[] DEFAULT ARRAY[1.5, -2]::DOUBLE PRECISION[],
    "ss" TEXT[] DEFAULT ARRAY['a', 'b''c']::TEXT[],
    "bs" BOOLEAN[] DEFAULT ARRAY[true, false]::BOOLEAN[],
    "ds" TIMESTAMP(3)[] DEFAULT ARRAY['2024-01-02 03:04:05 +00:00']::TIMESTAMP(3)[],
    "e" "E" NOT NULL DEFAULT 'b-val',
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 1.10,
    "big" BIGINT NOT NULL DEFAULT 9007199254740993,
    "j" JSONB NOT NULL DEFAULT '{"a": [1, null]}',

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
