-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "level" AS ENUM ('LOW', 'middle', 'HIGH');

-- CreateTable
CREATE TABLE "Defaults" (
    "id" TEXT NOT NULL,
    "seq" SERIAL NOT NULL,
    "bigSeq" BIGSERIAL NOT NULL,
    "smallSeq" SMALLSERIAL NOT NULL,
    "u4" TEXT NOT NULL,
    "u7" UUID NOT NULL,
    "c1" TEXT NOT NULL,
    "c2" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "nano10" TEXT NOT NULL,
    "ul" TEXT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdTz" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "day" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "gen" UUID NOT NULL DEFAULT gen_random_uuid(),
    "genInt" INTEGER NOT NULL DEFAULT (1 + 2),
    "empty" TEXT NOT NULL DEFAULT '',
    "quote" TEXT NOT NULL DEFAULT '''single'' and \ backslash',
    "unicode" TEXT NOT NULL DEFAULT 'héllo ✓',
    "newline" TEXT NOT NULL DEFAULT 'a
b',
    "neg" DOUBLE PRECISION NOT NULL DEFAULT -1.5,
    "exp" DOUBLE PRECISION NOT NULL DEFAULT 10000000000,
    "zero" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "decStr" DECIMAL(65,30) NOT NULL DEFAULT 12.3400,
    "big" BIGINT NOT NULL DEFAULT -42,
    "yes" BOOLEAN NOT NULL DEFAULT false,
    "level" "level" NOT NULL DEFAULT 'middle',
    "levels" "level"[] DEFAULT ARRAY['LOW', 'middle']::"level"[],
    "ints" INTEGER[] DEFAULT ARRAY[1, 2, 3]::INTEGER[],
    "noInts" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "floats" DOUBLE PRECISION[] DEFAULT ARRAY[1.5, -2]::DOUBLE PRECISION[],
    "bools" BOOLEAN[] DEFAULT ARRAY[true, false]::BOOLEAN[],
    "strs" TEXT[] DEFAULT ARRAY['a,b', 'c"d']::TEXT[],
    "bigs" BIGINT[] DEFAULT ARRAY[1, 2]::BIGINT[],
    "decs" DECIMAL(65,30)[] DEFAULT ARRAY[1.5]::DECIMAL(65,30)[],
    "dates" TIMESTAMP(3)[] DEFAULT ARRAY['2020-01-01 00:00:00 +00:00']::TIMESTAMP(3)[],
    "jsonArr" JSONB NOT NULL DEFAULT '[1,2]',
    "jsonStr" JSONB NOT NULL DEFAULT '"text"',
    "jsonNum" JSONB NOT NULL DEFAULT '3',
    "jsonNull" JSONB DEFAULT 'null',
    "jsonB" JSONB NOT NULL DEFAULT '{"k": "v"}',
    "bytes" BYTEA NOT NULL DEFAULT '\x',
    "vc" VARCHAR(3) NOT NULL DEFAULT 'x',
    "ch" CHAR(2) NOT NULL DEFAULT 'ab',
    "money" MONEY NOT NULL DEFAULT 9.99,
    "realF" REAL NOT NULL DEFAULT 0.1,
    "at" TIMESTAMP(3) NOT NULL DEFAULT '2024-02-29 12:34:56.789 +00:00',
    "time" TIME(0) NOT NULL DEFAULT '1970-01-01 10:00:00 +00:00',

    CONSTRAINT "Defaults_pkey" PRIMARY KEY ("id")
);
