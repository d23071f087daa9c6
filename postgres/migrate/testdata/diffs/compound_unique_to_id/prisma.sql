-- DropIndex
DROP INDEX "T_a_b_key";

-- AlterTable
ALTER TABLE "T" DROP CONSTRAINT "T_pkey",
ADD CONSTRAINT "T_pkey" PRIMARY KEY ("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "T_c_key" ON "T"("c");
