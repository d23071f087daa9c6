-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "" (
    "id" INTEGER NOT NULL,
    "" TEXT NOT NULL,

    CONSTRAINT "_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "U" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "U_pkey" PRIMARY KEY ("id")
);
