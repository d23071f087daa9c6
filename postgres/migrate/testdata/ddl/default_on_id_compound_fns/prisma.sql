-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "a" SERIAL NOT NULL,
    "b" SERIAL NOT NULL,
    "c" TEXT NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("a","b")
);
