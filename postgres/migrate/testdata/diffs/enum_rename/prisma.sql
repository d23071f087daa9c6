-- CreateEnum
CREATE TYPE "Sort" AS ENUM ('X', 'Y');

-- AlterEnum
BEGIN;
CREATE TYPE "Status_new" AS ENUM ('A', 'B', 'D');
ALTER TABLE "T" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "T" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");
ALTER TYPE "Status" RENAME TO "Status_old";
ALTER TYPE "Status_new" RENAME TO "Status";
DROP TYPE "Status_old";
ALTER TABLE "T" ALTER COLUMN "status" SET DEFAULT 'A';
COMMIT;

-- AlterTable
ALTER TABLE "T" ALTER COLUMN "status" SET DEFAULT 'A',
DROP COLUMN "kind",
ADD COLUMN     "kind" "Sort" NOT NULL;

-- DropEnum
DROP TYPE "Kind";
