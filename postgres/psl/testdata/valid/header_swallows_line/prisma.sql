-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "name" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "A_name_key" ON "A"("name");
