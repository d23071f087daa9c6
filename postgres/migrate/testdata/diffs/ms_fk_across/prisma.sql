-- AlterTable
ALTER TABLE "b"."P" ADD COLUMN     "c" CITEXT NOT NULL;

-- CreateIndex
CREATE INDEX "P_uId_idx" ON "b"."P"("uId");

-- AddForeignKey
ALTER TABLE "b"."P" ADD CONSTRAINT "P_uId_fkey" FOREIGN KEY ("uId") REFERENCES "a"."U"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
