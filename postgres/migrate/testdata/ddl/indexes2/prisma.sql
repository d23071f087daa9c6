-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Tier" AS ENUM ('free', 'paid');

-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "day" DATE NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "score" DECIMAL(8,3) NOT NULL,
    "tiers" "Tier"[] DEFAULT ARRAY['free', 'paid']::"Tier"[],
    "data" JSONB,
    "tags" TEXT[],
    "ip" INET NOT NULL,
    "org" INTEGER NOT NULL,
    "code" TEXT NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Org" (
    "id" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Org_pkey" PRIMARY KEY ("id","code")
);

-- CreateIndex
CREATE INDEX "Event_at_idx" ON "Event" USING BRIN ("at" timestamptz_minmax_ops);

-- CreateIndex
CREATE INDEX "Event_day_idx" ON "Event" USING BRIN ("day");

-- CreateIndex
CREATE INDEX "Event_score_idx" ON "Event" USING BRIN ("score" numeric_minmax_ops);

-- CreateIndex
CREATE INDEX "Event_name_idx" ON "Event" USING SPGIST ("name" text_ops);

-- CreateIndex
CREATE INDEX "Event_ip_idx" ON "Event" USING GIST ("ip" inet_ops);

-- CreateIndex
CREATE INDEX "event_data_gin" ON "Event" USING GIN ("data" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Event_tags_idx" ON "Event" USING GIN ("tags" array_ops);

-- CreateIndex
CREATE INDEX "Event_org_code_at_idx" ON "Event"("org", "code", "at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Event_name_at_key" ON "Event"("name" DESC, "at");

-- CreateIndex
CREATE UNIQUE INDEX "Org_name_key" ON "Org"("name" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Org_code_id_key" ON "Org"("code", "id");

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_org_code_fkey" FOREIGN KEY ("org", "code") REFERENCES "Org"("id", "code") ON DELETE CASCADE ON UPDATE CASCADE;
