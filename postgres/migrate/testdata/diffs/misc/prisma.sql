-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'OWNER';

-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_userId_fkey";

-- AlterTable
CREATE SEQUENCE user_n_seq;
ALTER TABLE "User" DROP COLUMN "gone",
ADD COLUMN     "extra" TEXT NOT NULL,
ADD COLUMN     "role2" "Role" NOT NULL DEFAULT 'OWNER',
ALTER COLUMN "n" SET DEFAULT nextval('user_n_seq'),
ALTER COLUMN "role" SET DEFAULT 'ADMIN';
ALTER SEQUENCE user_n_seq OWNED BY "User"."n";

-- DropTable
DROP TABLE "Post";

-- DropEnum
DROP TYPE "Gone";

-- CreateTable
CREATE TABLE "Group" (
    "id" SERIAL NOT NULL,
    "ownerId" TEXT NOT NULL,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_extra_key" ON "User"("extra");

-- AddForeignKey
ALTER TABLE "Group" ADD CONSTRAINT "Group_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("extra") ON DELETE CASCADE ON UPDATE CASCADE;
