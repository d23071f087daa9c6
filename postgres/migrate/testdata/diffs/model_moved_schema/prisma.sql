-- CreateEnum
CREATE TYPE "b"."E" AS ENUM ('X', 'Y');

-- AlterTable
ALTER TABLE "a"."N" DROP COLUMN "e",
ADD COLUMN     "e" "b"."E" NOT NULL;

-- DropTable
DROP TABLE "a"."M";

-- DropEnum
DROP TYPE "a"."E";

-- CreateTable
CREATE TABLE "b"."M" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "M_pkey" PRIMARY KEY ("id")
);
