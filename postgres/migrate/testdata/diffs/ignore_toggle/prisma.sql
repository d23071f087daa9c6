-- AlterTable
ALTER TABLE "A" DROP COLUMN "legacy";

-- AlterTable
ALTER TABLE "B" ADD COLUMN     "name" TEXT NOT NULL;
