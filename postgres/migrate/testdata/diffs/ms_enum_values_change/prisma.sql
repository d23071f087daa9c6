-- AlterEnum
BEGIN;
CREATE TYPE "b"."E_new" AS ENUM ('X', 'Z');
ALTER TABLE "a"."T" ALTER COLUMN "e" TYPE "b"."E_new" USING ("e"::text::"b"."E_new");
ALTER TYPE "b"."E" RENAME TO "E_old";
ALTER TYPE "b"."E_new" RENAME TO "E";
DROP TYPE "b"."E_old";
COMMIT;

-- AlterTable
ALTER TABLE "a"."T" ALTER COLUMN "e" SET DEFAULT 'X';
