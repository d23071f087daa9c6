-- DropForeignKey
ALTER TABLE "P" DROP CONSTRAINT "P_uId_fkey";

-- DropTable
DROP TABLE "U";
