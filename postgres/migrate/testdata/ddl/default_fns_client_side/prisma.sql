-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" TEXT NOT NULL,
    "a" TEXT NOT NULL,
    "b" TEXT NOT NULL,
    "c" TEXT NOT NULL,
    "d" TEXT NOT NULL,
    "e" TEXT NOT NULL,
    "f" VARCHAR(21) NOT NULL,
    "g" UUID NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
