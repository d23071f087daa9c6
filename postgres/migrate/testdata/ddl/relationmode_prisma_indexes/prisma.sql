-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "P" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "P_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "C" (
    "id" INTEGER NOT NULL,
    "pId" INTEGER NOT NULL,

    CONSTRAINT "C_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "C_pId_idx" ON "C"("pId");
