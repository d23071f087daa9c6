-- CreateEnum
CREATE TYPE "b"."F" AS ENUM ('P');

-- AlterEnum
ALTER TYPE "a"."E" ADD VALUE 'Z';

-- AlterTable
ALTER TABLE "a"."T" ALTER COLUMN "e" SET DEFAULT 'Z';

-- AlterTable
ALTER TABLE "b"."U" ADD COLUMN     "f" "b"."F";

-- CreateTable
CREATE TABLE "b"."T" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "U_tId_idx" ON "b"."U"("tId");

-- AddForeignKey
ALTER TABLE "b"."U" ADD CONSTRAINT "U_tId_fkey" FOREIGN KEY ("tId") REFERENCES "a"."T"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
