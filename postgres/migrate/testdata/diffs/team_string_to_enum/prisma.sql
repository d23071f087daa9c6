-- CreateEnum
CREATE TYPE "S" AS ENUM ('A');

-- AlterTable
ALTER TABLE "T" DROP COLUMN "s",
ADD COLUMN     "s" "S" NOT NULL;
