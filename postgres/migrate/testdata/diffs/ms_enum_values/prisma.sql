-- CreateEnum
CREATE TYPE "b"."e2" AS ENUM ('X', 'Z');

-- AlterTable
ALTER TABLE "a"."T" DROP COLUMN "e",
ADD COLUMN     "e" "b"."e2" NOT NULL;

-- DropEnum
DROP TYPE "b"."E";
