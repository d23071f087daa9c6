-- DropForeignKey
ALTER TABLE "P" DROP CONSTRAINT "P_uId_fkey";

-- DropIndex
DROP INDEX "P_uId_idx";

-- DropIndex
DROP INDEX "P_id_uId_key";

-- AddForeignKey
ALTER TABLE "P" ADD CONSTRAINT "P_uId_fkey" FOREIGN KEY ("uId") REFERENCES "U"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;
