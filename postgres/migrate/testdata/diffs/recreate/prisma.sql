-- CreateEnum
CREATE TYPE "Kind" AS ENUM ('A', 'B');

-- AlterTable
ALTER TABLE "Kid" DROP COLUMN "kind",
ADD COLUMN     "kind" "Kind" NOT NULL,
DROP COLUMN "tags",
ADD COLUMN     "tags" TEXT[],
DROP COLUMN "parentId",
ADD COLUMN     "parentId" INTEGER NOT NULL,
DROP COLUMN "code",
ADD COLUMN     "code" BOOLEAN NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Kid_code_key" ON "Kid"("code");

-- CreateIndex
CREATE INDEX "Kid_kind_id_idx" ON "Kid"("kind", "id");

-- CreateIndex
CREATE INDEX "Kid_tags_idx" ON "Kid"("tags");

-- AddForeignKey
ALTER TABLE "Kid" ADD CONSTRAINT "Kid_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Parent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
