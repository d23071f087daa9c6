-- DropIndex
DROP INDEX "A_code_key";

-- DropIndex
DROP INDEX "Cc_n_idx";

-- AlterTable
ALTER TABLE "A" DROP CONSTRAINT "A_pkey",
ADD CONSTRAINT "A_pkey" PRIMARY KEY ("code");

-- AlterTable
ALTER TABLE "B" DROP CONSTRAINT "B_pkey",
ADD COLUMN     "c" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "B_pkey" PRIMARY KEY ("a", "b", "c");

-- AlterTable
ALTER TABLE "Cc" RENAME CONSTRAINT "cc_pk" TO "Cc_pkey";

-- CreateIndex
CREATE INDEX "Cc_n_idx" ON "Cc"("n");

-- RenameIndex
ALTER INDEX "A_x_idx" RENAME TO "a_x";
