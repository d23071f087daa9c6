-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "n" INTEGER NOT NULL DEFAULT (floor(random() * 10))::integer,
    "slug" TEXT NOT NULL DEFAULT lower('X'::text),
    "tags" TEXT[] DEFAULT ARRAY[]::text[],
    "total" DECIMAL(12,2) NOT NULL DEFAULT 0.0,
    "flag" BOOLEAN NOT NULL DEFAULT true,
    "gen" INTEGER,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
