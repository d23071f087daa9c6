-- AlterTable
ALTER TABLE "Keep" DROP COLUMN "title",
ADD COLUMN     "heading" TEXT NOT NULL;

-- DropTable
DROP TABLE "olds";

-- CreateTable
CREATE TABLE "news" (
    "id" INTEGER NOT NULL,
    "new_name" TEXT NOT NULL,

    CONSTRAINT "news_pkey" PRIMARY KEY ("id")
);
