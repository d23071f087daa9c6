-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "Status" ADD VALUE 'NEW';
ALTER TYPE "Status" ADD VALUE 'REVIEW';
ALTER TYPE "Status" ADD VALUE 'ARCHIVED';

-- DropIndex
DROP INDEX "Post_title_key";

-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "status" SET DEFAULT 'NEW';

-- CreateIndex
CREATE UNIQUE INDEX "Post_body_key" ON "Post"("body");

-- CreateIndex
CREATE UNIQUE INDEX "Page_slug_key" ON "Page"("slug");
