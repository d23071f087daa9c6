-- DropForeignKey
ALTER TABLE "P" DROP CONSTRAINT "P_user_id_fkey";

-- AlterTable
ALTER TABLE "P" DROP COLUMN "user_id",
ADD COLUMN     "uId" INTEGER NOT NULL;

-- DropTable
DROP TABLE "people";

-- CreateTable
CREATE TABLE "users" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "P_uId_idx" ON "P"("uId");

-- AddForeignKey
ALTER TABLE "P" ADD CONSTRAINT "P_uId_fkey" FOREIGN KEY ("uId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
