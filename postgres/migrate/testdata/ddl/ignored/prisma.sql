-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH VERSION "1.6";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "public";

-- CreateTable
CREATE TABLE "Place" (
    "id" INTEGER NOT NULL,
    "location" box,
    "path" circle NOT NULL,
    "name" CITEXT NOT NULL,
    "secret" TEXT NOT NULL,

    CONSTRAINT "Place_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL,
    "placeId" INTEGER NOT NULL,

    CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Place_name_idx" ON "Place"("name");

-- AddForeignKey
ALTER TABLE "Legacy" ADD CONSTRAINT "Legacy_placeId_fkey" FOREIGN KEY ("placeId") REFERENCES "Place"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
