-- AlterEnum
BEGIN;
CREATE TYPE "Color_new" AS ENUM ('RED', 'BLUE', 'BLACK');
ALTER TABLE "T" ALTER COLUMN "color" DROP DEFAULT;
ALTER TABLE "T" ALTER COLUMN "cs" DROP DEFAULT;
ALTER TABLE "T" ALTER COLUMN "color" TYPE "Color_new" USING ("color"::text::"Color_new");
ALTER TABLE "T" ALTER COLUMN "cs" TYPE "Color_new"[] USING ("cs"::text::"Color_new"[]);
ALTER TYPE "Color" RENAME TO "Color_old";
ALTER TYPE "Color_new" RENAME TO "Color";
DROP TYPE "Color_old";
ALTER TABLE "T" ALTER COLUMN "color" SET DEFAULT 'BLUE';
ALTER TABLE "T" ALTER COLUMN "cs" SET DEFAULT ARRAY['RED', 'BLUE']::"Color"[];
COMMIT;

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "Size" ADD VALUE 'L';
ALTER TYPE "Size" ADD VALUE 'XL';

-- AlterTable
ALTER TABLE "T" ALTER COLUMN "color" SET DEFAULT 'BLUE',
ALTER COLUMN "cs" SET DEFAULT ARRAY['RED', 'BLUE']::"Color"[],
ALTER COLUMN "size" SET DEFAULT 'L';
