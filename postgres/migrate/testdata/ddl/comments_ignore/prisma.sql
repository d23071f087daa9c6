-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Kind" AS ENUM ('A', 'B');

-- CreateTable
CREATE TABLE "Account" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "hidden" TEXT,
    "secretId" INTEGER,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "payload" bytea,

    CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsesKind" (
    "id" INTEGER NOT NULL,
    "kind" "Kind" NOT NULL,

    CONSTRAINT "UsesKind_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Legacy_accountId_id_key" ON "Legacy"("accountId", "id");

-- AddForeignKey
ALTER TABLE "Legacy" ADD CONSTRAINT "Legacy_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
