-- CreateEnum
CREATE TYPE "size" AS ENUM ('S', 'M', 'L');

-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'admin', 'GUEST');
ALTER TABLE "Member" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "Member" ALTER COLUMN "roles" DROP DEFAULT;
ALTER TABLE "Member" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TABLE "Member" ALTER COLUMN "roles" TYPE "Role_new"[] USING ("roles"::text::"Role_new"[]);
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "Member" ALTER COLUMN "role" SET DEFAULT 'GUEST';
ALTER TABLE "Member" ALTER COLUMN "roles" SET DEFAULT ARRAY['USER']::"Role"[];
COMMIT;

-- AlterTable
ALTER TABLE "Member" DROP COLUMN "size",
ADD COLUMN     "size" "size";

-- DropEnum
DROP TYPE "Size";
