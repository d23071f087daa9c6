-- AlterTable
ALTER TABLE "A" DROP COLUMN "name",
ADD COLUMN     "full_name" TEXT NOT NULL;
