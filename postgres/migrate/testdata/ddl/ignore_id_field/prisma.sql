-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "U" (
    "id" INTEGER NOT NULL,
    "x" TEXT NOT NULL,

    CONSTRAINT "U_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "T_name_key" ON "T"("name");

-- CreateIndex
CREATE UNIQUE INDEX "U_x_key" ON "U"("x");
