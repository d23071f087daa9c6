-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "e" AS ENUM ('A', 'b', 'C');

-- CreateTable
CREATE TABLE "aa" (
    "a" TEXT NOT NULL DEFAULT 'q',
    "yy" INTEGER NOT NULL,
    "zz" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "w" INTEGER,
    "v" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "aa_pkey" PRIMARY KEY ("yy")
);

-- CreateTable
CREATE TABLE "b" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "b_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "aa_a_key" ON "aa"("a");

-- CreateIndex
CREATE INDEX "aa_a_idx" ON "aa"("a");

-- CreateIndex
CREATE UNIQUE INDEX "aa_yy_zz_key" ON "aa"("yy", "zz");

-- AddForeignKey
ALTER TABLE "aa" ADD CONSTRAINT "aa_w_fkey" FOREIGN KEY ("w") REFERENCES "b"("id") ON DELETE SET NULL ON UPDATE CASCADE;
