-- AlterEnum
BEGIN;
CREATE TYPE "E_new" AS ENUM ('B', 'C', 'D');
ALTER TABLE "T" ALTER COLUMN "e" TYPE "E_new" USING ("e"::text::"E_new");
ALTER TABLE "T" ALTER COLUMN "f" TYPE "E_new"[] USING ("f"::text::"E_new"[]);
ALTER TYPE "E" RENAME TO "E_old";
ALTER TYPE "E_new" RENAME TO "E";
DROP TYPE "E_old";
COMMIT;
