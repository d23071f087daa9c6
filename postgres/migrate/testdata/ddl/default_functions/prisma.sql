-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "status" AS ENUM ('active', 'active_old');

-- CreateTable
CREATE TABLE "Token" (
    "id" TEXT NOT NULL,
    "v4" UUID NOT NULL,
    "plain" TEXT NOT NULL,
    "cuid1" TEXT NOT NULL,
    "cuid2" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "nano0" TEXT NOT NULL,
    "ulid" TEXT NOT NULL,
    "seq" SERIAL NOT NULL,
    "big" BIGINT NOT NULL DEFAULT 1,
    "made" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "day" DATE NOT NULL DEFAULT CURRENT_DATE,
    "status" "status" NOT NULL DEFAULT 'active',
    "tags" TEXT[] DEFAULT ARRAY['a', 'b']::TEXT[],
    "flags" BOOLEAN[] DEFAULT ARRAY[]::BOOLEAN[],
    "ratio" DECIMAL(5,2) NOT NULL DEFAULT 0.5,
    "amount" REAL NOT NULL DEFAULT -1.5,
    "small" SMALLINT NOT NULL DEFAULT 1,
    "oid" OID NOT NULL DEFAULT 7,
    "raw" JSONB NOT NULL DEFAULT '{"a": [1, 2]}',
    "blob" BYTEA NOT NULL DEFAULT '\x010203',
    "note" VARCHAR(40) NOT NULL DEFAULT 'it''s "quoted"',
    "code" CHAR(3) NOT NULL DEFAULT 'x',
    "bits" BIT(3) NOT NULL DEFAULT '101',
    "vbits" VARBIT(8) NOT NULL DEFAULT '1',
    "t" TIME(2) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tz" TIMETZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "inet" INET NOT NULL DEFAULT '127.0.0.1',
    "money" MONEY NOT NULL DEFAULT 2.5,
    "xml" XML NOT NULL DEFAULT '<a/>',
    "js" JSON NOT NULL DEFAULT '[]',
    "dbl" DOUBLE PRECISION NOT NULL DEFAULT 3,
    "int4" INTEGER NOT NULL DEFAULT 3,
    "int8" BIGINT NOT NULL DEFAULT 3,
    "txt" TEXT NOT NULL DEFAULT '',
    "bool" BOOLEAN NOT NULL DEFAULT false,
    "byt" BYTEA NOT NULL DEFAULT '\x',
    "ts" TIMESTAMP(0) NOT NULL DEFAULT '2024-01-02 03:04:05 +00:00',

    CONSTRAINT "Token_pkey" PRIMARY KEY ("id")
);
