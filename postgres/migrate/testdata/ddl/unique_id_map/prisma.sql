-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "x" INTEGER NOT NULL,
    "y" TEXT NOT NULL,
    "z" INTEGER NOT NULL,

    CONSTRAINT "a_pk" PRIMARY KEY ("x","y")
);

-- CreateTable
CREATE TABLE "B" (
    "id" INTEGER NOT NULL,
    "s" TEXT NOT NULL,

    CONSTRAINT "b_pk" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "a_z_desc" ON "A"("z" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "a_y_x" ON "A"("y" DESC, "x");

-- CreateIndex
CREATE UNIQUE INDEX "A_z_y_key" ON "A"("z", "y");

-- CreateIndex
CREATE UNIQUE INDEX "b_s" ON "B"("s");
