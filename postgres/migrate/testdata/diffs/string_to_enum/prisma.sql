-- AlterTable
ALTER TABLE "T" DROP COLUMN "kind",
ADD COLUMN     "kind" "Kind" NOT NULL,
DROP COLUMN "old",
ADD COLUMN     "old" TEXT NOT NULL;
