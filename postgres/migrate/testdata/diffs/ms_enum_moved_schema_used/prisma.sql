-- CreateEnum
CREATE TYPE "b"."E" AS ENUM ('X', 'Y');

-- AlterTable
ALTER TABLE "a"."T" DROP COLUMN "e",
ADD COLUMN     "e" "b"."E" NOT NULL DEFAULT 'X';

-- DropEnum
DROP TYPE "a"."E";
