-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateTable
CREATE TABLE "N" (
    "id" UUID NOT NULL,
    "ci" CITEXT NOT NULL,
    "cis" CITEXT[],
    "smalls" SMALLINT[],
    "oids" OID[],
    "bigs" BIGINT[],
    "reals" REAL[],
    "moneys" MONEY[],
    "tss" TIMESTAMP(0)[],
    "dates" DATE[],
    "timetzs" TIMETZ(2)[],
    "jsons" JSON[],
    "jsonbs" JSONB[],
    "bytes" BYTEA[],
    "bools" BOOLEAN[],
    "inets" INET[],
    "bits" BIT(2)[],
    "xmls" XML[],
    "chars" CHAR(1)[],
    "t6" TIME(6) DEFAULT CURRENT_TIMESTAMP,
    "tz0" TIMESTAMPTZ(0) DEFAULT CURRENT_TIMESTAMP,
    "d65" DECIMAL(65,30) DEFAULT 0.5,
    "vb" VARBIT(3) DEFAULT '101',
    "b1" BIT(1) DEFAULT '1',
    "x" XML DEFAULT '<a/>',
    "ip" INET DEFAULT '127.0.0.1',
    "uid" UUID DEFAULT '00000000-0000-0000-0000-000000000000',
    "ctz" TIMETZ DEFAULT CURRENT_TIMESTAMP,
    "dt" DATE DEFAULT CURRENT_TIMESTAMP,
    "sm" SMALLINT DEFAULT 3,
    "o" OID DEFAULT 7,
    "js" JSON DEFAULT '{"a": [1, 2]}',
    "jsl" JSONB[] DEFAULT ARRAY['{}', '[]']::JSONB[],

    CONSTRAINT "N_pkey" PRIMARY KEY ("id")
);
