-- DropIndex
DROP INDEX "M_c_key";

-- AlterTable
ALTER TABLE "M" DROP CONSTRAINT "M_pkey",
ADD COLUMN     "d" SERIAL NOT NULL,
ADD CONSTRAINT "M_pkey" PRIMARY KEY ("d");

-- CreateIndex
CREATE INDEX "M_c_idx" ON "M" USING HASH ("c");

-- CreateIndex
CREATE UNIQUE INDEX "M_a_b_key" ON "M"("a", "b");
