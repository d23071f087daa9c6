-- AlterEnum
BEGIN;
CREATE TYPE "a"."E_new" AS ENUM ('Y', 'Z');
ALTER TABLE "b"."T" ALTER COLUMN "e" DROP DEFAULT;
ALTER TABLE "b"."T" ALTER COLUMN "es" DROP DEFAULT;
ALTER TABLE "b"."T" ALTER COLUMN "e" TYPE "a"."E_new" USING ("e"::text::"a"."E_new");
ALTER TABLE "b"."T" ALTER COLUMN "es" TYPE "a"."E_new"[] USING ("es"::text::"a"."E_new"[]);
ALTER TYPE "a"."E" RENAME TO "E_old";
ALTER TYPE "a"."E_new" RENAME TO "E";
DROP TYPE "a"."E_old";
ALTER TABLE "b"."T" ALTER COLUMN "e" SET DEFAULT 'Y';
ALTER TABLE "b"."T" ALTER COLUMN "es" SET DEFAULT ARRAY['Y', 'Z']::"a"."E"[];
COMMIT;

-- AlterTable
ALTER TABLE "b"."T" ALTER COLUMN "e" SET DEFAULT 'Y',
ALTER COLUMN "es" SET DEFAULT ARRAY['Y', 'Z']::"a"."E"[];
