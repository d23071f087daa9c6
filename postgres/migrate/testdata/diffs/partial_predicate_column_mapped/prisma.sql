-- DropIndex
DROP INDEX "old_name";

-- AlterTable
ALTER TABLE "M" DROP COLUMN "b",
ADD COLUMN     "flag" BOOLEAN NOT NULL;

-- CreateIndex
CREATE INDEX "M_s_idx" ON "M"("s") WHERE ("flag" = true);
