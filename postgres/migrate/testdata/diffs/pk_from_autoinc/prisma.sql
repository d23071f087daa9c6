-- DropIndex
DROP INDEX "M_c_idx";

-- DropIndex
DROP INDEX "M_a_b_key";

-- AlterTable
ALTER TABLE "M" DROP CONSTRAINT "M_pkey",
DROP COLUMN "d",
ADD CONSTRAINT "M_pkey" PRIMARY KEY ("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "M_c_key" ON "M"("c" DESC);
