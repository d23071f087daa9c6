-- CreateEnum
CREATE TYPE "role_kind" AS ENUM ('A', 'B');

-- AlterTable
ALTER TABLE "T" DROP COLUMN "role",
ADD COLUMN     "role" "role_kind" NOT NULL DEFAULT 'A';

-- DropEnum
DROP TYPE "Role";
