-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bees" (
    "id" INTEGER NOT NULL,
    "aId" INTEGER NOT NULL,
    "a2" INTEGER NOT NULL,

    CONSTRAINT "bees_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "b_one_idx" ON "bees"("aId");

-- AddForeignKey
ALTER TABLE "bees" ADD CONSTRAINT "b_one_fk" FOREIGN KEY ("aId") REFERENCES "A"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bees" ADD CONSTRAINT "bees_a2_fkey" FOREIGN KEY ("a2") REFERENCES "A"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
