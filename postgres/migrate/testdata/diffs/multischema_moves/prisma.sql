-- AlterEnum
ALTER TYPE "a"."Kind" ADD VALUE 'Z';

-- DropForeignKey
ALTER TABLE "a"."U" DROP CONSTRAINT "U_tId_fkey";

-- AlterTable
ALTER TABLE "a"."T" ALTER COLUMN "kind" SET DEFAULT 'X';

-- DropTable
DROP TABLE "a"."U";

-- CreateTable
CREATE TABLE "b"."U" (
    "id" INTEGER NOT NULL,
    "tId" INTEGER NOT NULL,

    CONSTRAINT "U_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "b"."V" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "V_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "b"."U" ADD CONSTRAINT "U_tId_fkey" FOREIGN KEY ("tId") REFERENCES "a"."T"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
