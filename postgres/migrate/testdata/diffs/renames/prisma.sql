-- AlterTable
ALTER TABLE "A" RENAME CONSTRAINT "A_pkey" TO "a_pk";

-- AlterTable
ALTER TABLE "B" RENAME CONSTRAINT "b_pk" TO "B_pkey";

-- AlterTable
ALTER TABLE "c_old" DROP COLUMN "v",
ADD COLUMN     "w" INTEGER NOT NULL;

-- RenameForeignKey
ALTER TABLE "A" RENAME CONSTRAINT "A_bId_fkey" TO "a_b_fk";

-- RenameForeignKey
ALTER TABLE "A" RENAME CONSTRAINT "a_c_fk" TO "A_cId_fkey";

-- RenameIndex
ALTER INDEX "A_x_y_key" RENAME TO "a_xy";
