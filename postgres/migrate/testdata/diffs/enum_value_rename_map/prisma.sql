-- CreateEnum
CREATE TYPE "status_enum" AS ENUM ('active', 'inactive');

-- AlterTable
ALTER TABLE "T" DROP COLUMN "s",
ADD COLUMN     "s" "status_enum" NOT NULL DEFAULT 'active';

-- DropEnum
DROP TYPE "status";
