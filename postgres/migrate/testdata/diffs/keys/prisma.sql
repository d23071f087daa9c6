-- DropForeignKey
ALTER TABLE "Pet" DROP CONSTRAINT "Pet_ownerId_fkey";

-- DropIndex
DROP INDEX "Owner_code_key";

-- DropIndex
DROP INDEX "Pet_a_b_key";

-- AlterTable
ALTER TABLE "Owner" DROP CONSTRAINT "Owner_pkey",
ALTER COLUMN "id" SET DATA TYPE BIGINT,
ALTER COLUMN "name" SET NOT NULL,
ALTER COLUMN "name" SET DEFAULT 'anon',
ALTER COLUMN "data" SET DEFAULT '[]',
ADD CONSTRAINT "Owner_pkey" PRIMARY KEY ("id");

-- AlterTable
ALTER TABLE "Pet" ALTER COLUMN "ownerId" SET DATA TYPE BIGINT;

-- CreateIndex
CREATE INDEX "Owner_code_idx" ON "Owner"("code");

-- CreateIndex
CREATE INDEX "Pet_a_b_idx" ON "Pet"("a", "b");

-- AddForeignKey
ALTER TABLE "Pet" ADD CONSTRAINT "Pet_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
