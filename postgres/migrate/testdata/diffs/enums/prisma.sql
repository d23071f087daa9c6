-- CreateEnum
CREATE TYPE "mood" AS ENUM ('HAPPY', 'SAD', 'ANGRY');

-- CreateEnum
CREATE TYPE "Kind" AS ENUM ('NEWS', 'BLOG');

-- AlterEnum
BEGIN;
CREATE TYPE "Status_new" AS ENUM ('DRAFT', 'REVIEW', 'LIVE');
ALTER TABLE "Post" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "Post" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");
ALTER TYPE "Status" RENAME TO "Status_old";
ALTER TYPE "Status_new" RENAME TO "Status";
DROP TYPE "Status_old";
ALTER TABLE "Post" ALTER COLUMN "status" SET DEFAULT 'LIVE';
COMMIT;

-- AlterTable
ALTER TABLE "Post" DROP COLUMN "old",
ALTER COLUMN "status" SET DEFAULT 'LIVE',
DROP COLUMN "mood",
ADD COLUMN     "mood" "mood" NOT NULL,
DROP COLUMN "moods",
ADD COLUMN     "moods" "mood"[],
DROP COLUMN "kind",
ADD COLUMN     "kind" "Kind" NOT NULL;

-- DropEnum
DROP TYPE "Mood";

-- DropEnum
DROP TYPE "Old";
