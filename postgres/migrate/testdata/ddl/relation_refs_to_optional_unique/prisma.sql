-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "P" (
    "id" INTEGER NOT NULL,
    "code" INTEGER,

    CONSTRAINT "P_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "C" (
    "id" INTEGER NOT NULL,
    "pCode" INTEGER NOT NULL,

    CONSTRAINT "C_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "P_code_key" ON "P"("code");

-- AddForeignKey
ALTER TABLE "C" ADD CONSTRAINT "C_pCode_fkey" FOREIGN KEY ("pCode") REFERENCES "P"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
