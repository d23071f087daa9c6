-- AlterEnum
BEGIN;
CREATE TYPE "Status_new" AS ENUM ('DRAFT', 'LIVE');
ALTER TABLE "Post" ALTER COLUMN "maybe" DROP DEFAULT;
ALTER TABLE "Post" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "Post" ALTER COLUMN "statuses" DROP DEFAULT;
ALTER TABLE "Post" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");
ALTER TABLE "Post" ALTER COLUMN "statuses" TYPE "Status_new"[] USING ("statuses"::text::"Status_new"[]);
ALTER TABLE "Post" ALTER COLUMN "maybe" TYPE "Status_new" USING ("maybe"::text::"Status_new");
ALTER TYPE "Status" RENAME TO "Status_old";
ALTER TYPE "Status_new" RENAME TO "Status";
DROP TYPE "Status_old";
ALTER TABLE "Post" ALTER COLUMN "status" SET DEFAULT 'DRAFT';
ALTER TABLE "Post" ALTER COLUMN "statuses" SET DEFAULT ARRAY['DRAFT', 'LIVE']::"Status"[];
COMMIT;

-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "maybe" DROP DEFAULT;
