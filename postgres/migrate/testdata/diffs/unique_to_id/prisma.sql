-- AlterTable
ALTER TABLE "T" ADD CONSTRAINT "T_pkey" PRIMARY KEY ("a", "b");

-- DropIndex
DROP INDEX "T_a_b_key";
