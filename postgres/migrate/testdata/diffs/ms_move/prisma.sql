-- CreateEnum
CREATE TYPE "b"."E" AS ENUM ('X');

-- DropTable
DROP TABLE "a"."T";

-- DropEnum
DROP TYPE "a"."E";

-- CreateTable
CREATE TABLE "b"."T" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
