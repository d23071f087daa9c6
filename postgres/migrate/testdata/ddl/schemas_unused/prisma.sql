-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "alpha";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "zeta";

-- CreateTable
CREATE TABLE "zeta"."T" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alpha"."U" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "U_pkey" PRIMARY KEY ("id")
);
