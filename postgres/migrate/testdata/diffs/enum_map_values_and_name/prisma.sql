-- CreateEnum
CREATE TYPE "e_type" AS ENUM ('a', 'B');

-- AlterTable
ALTER TABLE "M" DROP COLUMN "e",
ADD COLUMN     "e" "e_type" NOT NULL;

-- DropEnum
DROP TYPE "E";
