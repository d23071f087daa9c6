-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "a" TEXT NOT NULL,
    "b" INTEGER NOT NULL,
    "c" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "U" (
    "a" INTEGER NOT NULL,
    "b" INTEGER NOT NULL,

    CONSTRAINT "u_pk" PRIMARY KEY ("a","b")
);

-- CreateIndex
CREATE INDEX "T_a_c_idx" ON "T"("a" ASC, "c" DESC);

-- CreateIndex
CREATE INDEX "t_c_desc" ON "T"("c" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "T_a_b_key" ON "T"("a" DESC, "b");

-- CreateIndex
CREATE UNIQUE INDEX "t_b_c_uq" ON "T"("b", "c" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "U_b_a_key" ON "U"("b" DESC, "a");
