-- DropForeignKey
ALTER TABLE "B" DROP CONSTRAINT "B_aId_fkey";

-- DropTable
DROP TABLE "A";

-- DropTable
DROP TABLE "B";

-- DropEnum
DROP TYPE "E";

-- CreateTable
CREATE TABLE "Z" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Z_pkey" PRIMARY KEY ("id")
);
