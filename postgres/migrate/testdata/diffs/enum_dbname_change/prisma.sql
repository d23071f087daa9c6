-- CreateEnum
CREATE TYPE "e_new" AS ENUM ('a', 'B');

-- AlterTable
ALTER TABLE "T" DROP COLUMN "e",
ADD COLUMN     "e" "e_new";

-- DropEnum
DROP TYPE "e_old";
