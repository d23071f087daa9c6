-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Membership" (
    "orgId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "tags" TEXT[],
    "score" INTEGER NOT NULL,

    CONSTRAINT "membership_pkey_custom" PRIMARY KEY ("orgId","userId")
);

-- CreateTable
CREATE TABLE "Point" (
    "x" INTEGER NOT NULL,
    "y" INTEGER NOT NULL,
    "z" INTEGER NOT NULL,

    CONSTRAINT "Point_pkey" PRIMARY KEY ("y","x")
);

-- CreateTable
CREATE TABLE "Single" (
    "code" VARCHAR(8) NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "single_code_pk" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "Membership_since_idx" ON "Membership" USING BRIN ("since");

-- CreateIndex
CREATE INDEX "Membership_payload_idx" ON "Membership" USING GIN ("payload");

-- CreateIndex
CREATE INDEX "Membership_tags_idx" ON "Membership" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Membership_role_idx" ON "Membership" USING HASH ("role");

-- CreateIndex
CREATE INDEX "membership_role_score" ON "Membership"("role" DESC, "score" ASC);

-- CreateIndex
CREATE INDEX "Membership_score_idx" ON "Membership"("score");

-- CreateIndex
CREATE UNIQUE INDEX "membership_user_role" ON "Membership"("userId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_role_since_key" ON "Membership"("role", "since" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Membership_orgId_score_key" ON "Membership"("orgId", "score");

-- CreateIndex
CREATE INDEX "Point_z_x_idx" ON "Point"("z", "x");

-- CreateIndex
CREATE UNIQUE INDEX "single_label_key2" ON "Single"("label" DESC);
