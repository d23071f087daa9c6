-- AlterTable
ALTER TABLE "T" DROP COLUMN "mood",
ADD COLUMN     "mood" TEXT NOT NULL;

-- DropEnum
DROP TYPE "Mood";
