-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Doc" (
    "id" SERIAL NOT NULL,
    "search" tsvector,
    "pos" point NOT NULL DEFAULT point(0, 0),
    "ranges" int4range[],
    "the_box" box,
    "circle" circle,
    "money" numeric(8,3),
    "bits" bit varying(3),
    "ltree" interval NOT NULL DEFAULT '1 day'::interval,

    CONSTRAINT "Doc_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Doc_search_idx" ON "Doc" USING GIN ("search");

-- CreateIndex
CREATE INDEX "Doc_circle_idx" ON "Doc" USING GIST ("circle");

-- CreateIndex
CREATE INDEX "Doc_money_idx" ON "Doc"("money");

-- CreateIndex
CREATE UNIQUE INDEX "Doc_bits_key" ON "Doc"("bits");
