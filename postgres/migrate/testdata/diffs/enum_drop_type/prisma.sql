-- AlterTable
ALTER TABLE "T" DROP COLUMN "kind",
ADD COLUMN     "kind" TEXT NOT NULL;

-- DropEnum
DROP TYPE "Kind";
