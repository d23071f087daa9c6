-- CreateEnum
CREATE TYPE "a"."E" AS ENUM ('X');

-- AlterTable
ALTER TABLE "a"."N" DROP COLUMN "e",
ADD COLUMN     "e" "a"."E" NOT NULL;

-- DropTable
DROP TABLE "b"."M";

-- DropEnum
DROP TYPE "b"."E";

-- CreateTable
CREATE TABLE "a"."M" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "M_pkey" PRIMARY KEY ("id")
);
