-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'USER');

-- CreateTable
CREATE TABLE "Account" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "state" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,
    "balance" DECIMAL(65,30) NOT NULL,
    "big" BIGINT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "tenantId" INTEGER NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email") WHERE ("deletedAt" IS NULL);

-- CreateIndex
CREATE UNIQUE INDEX "handle_live" ON "Account"("handle") WHERE ("deletedAt" IS NULL);

-- CreateIndex
CREATE INDEX "Account_state_idx" ON "Account"("state") WHERE ("state" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Account_role_idx" ON "Account"("role") WHERE ("role" = 'USER');

-- CreateIndex
CREATE INDEX "Account_score_idx" ON "Account"("score") WHERE ("score" = 1.50 AND "rank" = -1);

-- CreateIndex
CREATE INDEX "Account_rank_idx" ON "Account"("rank" DESC) WHERE ("rank" != 0);

-- CreateIndex
CREATE INDEX "Account_balance_idx" ON "Account"("balance") WHERE ("balance" = 2 AND "big" = 10);

-- CreateIndex
CREATE INDEX "Account_email_idx" ON "Account" USING HASH ("email") WHERE ("state" = 'it''s');

-- CreateIndex
CREATE INDEX "Account_active_idx" ON "Account"("active") WHERE ("active" != false AND "state" != 'x');

-- CreateIndex
CREATE INDEX "live_by_tenant" ON "Account"("tenantId") WHERE ("deletedAt" IS NULL) AND (rank > 0);

-- CreateIndex
CREATE UNIQUE INDEX "Account_tenantId_email_key" ON "Account"("tenantId", "email") WHERE ("deletedAt" IS NULL AND "active" = true);

-- CreateIndex
CREATE UNIQUE INDEX "Account_tenantId_handle_key" ON "Account"("tenantId", "handle") WHERE (active);
