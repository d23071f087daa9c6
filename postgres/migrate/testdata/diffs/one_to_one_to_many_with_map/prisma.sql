-- DropForeignKey
ALTER TABLE "P" DROP CONSTRAINT "P_uId_fkey";

-- DropIndex
DROP INDEX "P_uId_key";

-- AlterTable
ALTER TABLE "P" DROP COLUMN "uId",
ADD COLUMN     "user_id" INTEGER NOT NULL;

-- AddForeignKey
ALTER TABLE "P" ADD CONSTRAINT "P_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "U"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
