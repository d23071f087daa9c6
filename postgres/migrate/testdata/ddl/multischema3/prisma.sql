-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "base";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "hr-data";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "sales";

-- CreateEnum
CREATE TYPE "base"."Status" AS ENUM ('ON', 'OFF');

-- CreateEnum
CREATE TYPE "sales"."Status" AS ENUM ('OPEN', 'CLOSED');

-- CreateTable
CREATE TABLE "base"."Customer" (
    "id" SERIAL NOT NULL,
    "status" "base"."Status" NOT NULL DEFAULT 'ON',

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sales"."Customer" (
    "id" SERIAL NOT NULL,
    "status" "sales"."Status" NOT NULL DEFAULT 'OPEN',
    "customerId" INTEGER NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hr-data"."Employee" (
    "id" TEXT NOT NULL,
    "bossId" TEXT,

    CONSTRAINT "Employee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "base"."_CustomerToEmployee" (
    "A" INTEGER NOT NULL,
    "B" TEXT NOT NULL,

    CONSTRAINT "_CustomerToEmployee_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "Customer_id_status_key" ON "base"."Customer"("id", "status");

-- CreateIndex
CREATE INDEX "Customer_status_idx" ON "sales"."Customer"("status");

-- CreateIndex
CREATE INDEX "_CustomerToEmployee_B_index" ON "base"."_CustomerToEmployee"("B");

-- AddForeignKey
ALTER TABLE "sales"."Customer" ADD CONSTRAINT "Customer_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "base"."Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hr-data"."Employee" ADD CONSTRAINT "Employee_bossId_fkey" FOREIGN KEY ("bossId") REFERENCES "hr-data"."Employee"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "base"."_CustomerToEmployee" ADD CONSTRAINT "_CustomerToEmployee_A_fkey" FOREIGN KEY ("A") REFERENCES "base"."Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "base"."_CustomerToEmployee" ADD CONSTRAINT "_CustomerToEmployee_B_fkey" FOREIGN KEY ("B") REFERENCES "hr-data"."Employee"("id") ON DELETE CASCADE ON UPDATE CASCADE;
