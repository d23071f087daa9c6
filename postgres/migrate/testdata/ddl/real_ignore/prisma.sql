-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Kept" (
    "id" INTEGER NOT NULL,
    "secret" TEXT NOT NULL,
    "legacyId" INTEGER,

    CONSTRAINT "Kept_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Kept" ADD CONSTRAINT "Kept_legacyId_fkey" FOREIGN KEY ("legacyId") REFERENCES "Legacy"("id") ON DELETE SET NULL ON UPDATE CASCADE;
