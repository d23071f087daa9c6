-- DropForeignKey
ALTER TABLE "Member" DROP CONSTRAINT "Member_orgId_orgCode_fkey";

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "orgId" DROP NOT NULL,
ALTER COLUMN "orgCode" DROP NOT NULL;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "member_org" FOREIGN KEY ("orgId", "orgCode") REFERENCES "Org"("id", "code") ON DELETE SET NULL ON UPDATE CASCADE;
