-- DropForeignKey
ALTER TABLE "P" DROP CONSTRAINT "P_uId_fkey";

-- DropTable
DROP TABLE "U";

-- CreateTable
CREATE TABLE "users" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "P" ADD CONSTRAINT "P_uId_fkey" FOREIGN KEY ("uId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
