-- DropIndex
DROP INDEX "T_email_key";

-- DropIndex
DROP INDEX "T_name_idx";

-- AlterTable
ALTER TABLE "T" DROP COLUMN "email",
DROP COLUMN "name",
ADD COLUMN     "email_address" TEXT NOT NULL,
ADD COLUMN     "full_name" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "T_email_address_key" ON "T"("email_address");

-- CreateIndex
CREATE INDEX "T_full_name_idx" ON "T"("full_name");
