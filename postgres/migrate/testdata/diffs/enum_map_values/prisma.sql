-- AlterEnum
BEGIN;
CREATE TYPE "status_new" AS ENUM ('active', 'inactive', 'PAUSED');
ALTER TABLE "T" ALTER COLUMN "s" DROP DEFAULT;
ALTER TABLE "T" ALTER COLUMN "s" TYPE "status_new" USING ("s"::text::"status_new");
ALTER TYPE "status" RENAME TO "status_old";
ALTER TYPE "status_new" RENAME TO "status";
DROP TYPE "status_old";
ALTER TABLE "T" ALTER COLUMN "s" SET DEFAULT 'active';
COMMIT;

-- AlterTable
ALTER TABLE "T" ALTER COLUMN "s" SET DEFAULT 'active';
