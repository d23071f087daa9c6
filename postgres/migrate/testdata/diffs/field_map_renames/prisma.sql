-- DropIndex
DROP INDEX "T_see_key";

-- AlterTable
ALTER TABLE "T" DROP COLUMN "bee",
DROP COLUMN "see",
ADD COLUMN     "b" TEXT NOT NULL,
ADD COLUMN     "cee" INTEGER NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "T_cee_key" ON "T"("cee");
