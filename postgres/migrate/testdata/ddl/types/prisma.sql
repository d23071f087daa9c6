-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "color" AS ENUM ('red', 'green');

-- CreateTable
CREATE TABLE "Everything" (
    "id" BIGSERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "uid" UUID NOT NULL,
    "short" VARCHAR(32) NOT NULL,
    "fixed" CHAR(2),
    "note" TEXT NOT NULL DEFAULT 'it''s "quoted"',
    "small" SMALLINT NOT NULL DEFAULT -1,
    "big" BIGINT NOT NULL DEFAULT 9007199254740993,
    "ratio" DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    "real" REAL NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,
    "money" MONEY NOT NULL,
    "exact" DECIMAL(12,4) NOT NULL DEFAULT 1.25,
    "flag" BOOLEAN NOT NULL DEFAULT true,
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "day" DATE NOT NULL,
    "changed" TIMESTAMP(6) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "plain" JSON,
    "blob" BYTEA,
    "tags" TEXT[] DEFAULT ARRAY['a', 'b']::TEXT[],
    "nums" INTEGER[],
    "colors" "color"[] DEFAULT ARRAY['red']::"color"[],
    "color" "color" NOT NULL DEFAULT 'green',
    "computed" INTEGER NOT NULL DEFAULT floor(random() * 100)::int,
    "location" point,
    "ip" INET,
    "born" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-02 03:04:05.678 +00:00',
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT '2021-06-01 00:00:00 +02:00',
    "magic" BYTEA NOT NULL DEFAULT '\x68656c6c6f',
    "ignoredIt" TEXT,

    CONSTRAINT "Everything_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Everything_uid_key" ON "Everything"("uid");
