-- AlterTable
ALTER TABLE "T" RENAME CONSTRAINT "T_pkey" TO "t_pk";

-- RenameIndex
ALTER INDEX "T_c_key" RENAME TO "t_c";

-- RenameIndex
ALTER INDEX "T_b_c_key" RENAME TO "t_bc";
