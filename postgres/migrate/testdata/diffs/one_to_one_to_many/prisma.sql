-- DropIndex
DROP INDEX "P_uId_key";
