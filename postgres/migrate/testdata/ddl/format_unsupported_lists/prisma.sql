-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "p" point,
    "q" circle[],
    "r" tsvector NOT NULL DEFAULT to_tsvector('english', ''),

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "A_r_idx" ON "A" USING GIN ("r");
