-- AlterEnum
BEGIN;
CREATE TYPE "audit"."Level_new" AS ENUM ('HIGH', 'CRITICAL');
ALTER TABLE "audit"."Event" ALTER COLUMN "level" DROP DEFAULT;
ALTER TABLE "audit"."Event" ALTER COLUMN "levels" DROP DEFAULT;
ALTER TABLE "audit"."Event" ALTER COLUMN "level" TYPE "audit"."Level_new" USING ("level"::text::"audit"."Level_new");
ALTER TABLE "audit"."Event" ALTER COLUMN "levels" TYPE "audit"."Level_new"[] USING ("levels"::text::"audit"."Level_new"[]);
ALTER TYPE "audit"."Level" RENAME TO "Level_old";
ALTER TYPE "audit"."Level_new" RENAME TO "Level";
DROP TYPE "audit"."Level_old";
ALTER TABLE "audit"."Event" ALTER COLUMN "level" SET DEFAULT 'HIGH';
ALTER TABLE "audit"."Event" ALTER COLUMN "levels" SET DEFAULT ARRAY['HIGH']::"audit"."Level"[];
COMMIT;

-- DropForeignKey
ALTER TABLE "audit"."Event" DROP CONSTRAINT "Event_accountId_fkey";

-- DropIndex
DROP INDEX "Account_email_key";

-- AlterTable
CREATE SEQUENCE "audit".event_id_seq;
ALTER TABLE "audit"."Event" ALTER COLUMN "id" SET DEFAULT nextval('"audit".event_id_seq'),
ALTER COLUMN "level" SET DEFAULT 'HIGH',
ALTER COLUMN "levels" SET DEFAULT ARRAY['HIGH']::"audit"."Level"[];
ALTER SEQUENCE "audit".event_id_seq OWNED BY "audit"."Event"."id";

-- CreateIndex
CREATE INDEX "Account_email_idx" ON "Account"("email");

-- AddForeignKey
ALTER TABLE "audit"."Event" ADD CONSTRAINT "Event_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "audit"."Event_accountId_idx" RENAME TO "event_account_idx";
