-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "a" INET NOT NULL,
    "b" MONEY NOT NULL,
    "c" BIT(3) NOT NULL,
    "d" VARBIT(8) NOT NULL,
    "e" TIMESTAMPTZ(0) NOT NULL,
    "f" TIME(2) NOT NULL,
    "g" TIMETZ(6) NOT NULL,
    "h" UUID NOT NULL,
    "i" XML NOT NULL,
    "j" OID NOT NULL,
    "k" SMALLINT NOT NULL,
    "l" REAL NOT NULL,
    "m" DOUBLE PRECISION NOT NULL,
    "n" DECIMAL(10,0) NOT NULL,
    "o" CHAR NOT NULL,
    "p" VARCHAR NOT NULL,
    "q" BYTEA NOT NULL,
    "r" JSON NOT NULL,
    "t" VARCHAR(20)[],
    "u" DATE NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
