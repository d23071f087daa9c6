-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(40) NOT NULL,
    "at" TIMESTAMPTZ(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "n" DECIMAL(8,3) NOT NULL,
    "tags" VARCHAR(5)[],

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
