-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "a" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "a_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "a_name_idx" ON "a"("name");
