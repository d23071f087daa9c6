-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" BIGSERIAL NOT NULL,
    "small" SMALLSERIAL NOT NULL,
    "price" DECIMAL(10,2) NOT NULL DEFAULT 1.50,
    "money" MONEY NOT NULL DEFAULT 2,
    "code" CHAR(2) NOT NULL DEFAULT 'ab',
    "bits" BIT(3) NOT NULL DEFAULT '101',
    "vbits" VARBIT(8),
    "day" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "clock" TIME(2) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tz" TIMETZ(4) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ts" TIMESTAMP(0) NOT NULL DEFAULT now(),
    "ip" INET,
    "x" XML,
    "j" JSON NOT NULL DEFAULT '{}',
    "jb" JSONB NOT NULL DEFAULT '[]',
    "r" REAL NOT NULL DEFAULT 1.5,
    "oid" OID,
    "bytes" BYTEA NOT NULL DEFAULT '\x6869',
    "uids" UUID[],
    "decs" DECIMAL(5,1)[],

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
