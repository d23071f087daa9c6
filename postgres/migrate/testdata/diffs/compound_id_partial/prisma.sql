-- DropIndex
DROP INDEX "Member_orgId_role_key";

-- AlterTable
ALTER TABLE "Member" DROP CONSTRAINT "Member_pkey",
ADD CONSTRAINT "Member_pkey" PRIMARY KEY ("orgId", "userId", "role");

-- AlterTable
ALTER TABLE "Grant" DROP CONSTRAINT "grant_pk",
ADD CONSTRAINT "grant_pk" PRIMARY KEY ("userId", "orgId", "scope");

-- CreateIndex
CREATE UNIQUE INDEX "Member_orgId_role_since_key" ON "Member"("orgId", "role", "since");
