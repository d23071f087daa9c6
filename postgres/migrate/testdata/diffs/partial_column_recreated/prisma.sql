-- AlterTable
ALTER TABLE "M" DROP COLUMN "s",
ADD COLUMN     "s" INTEGER NOT NULL;

-- CreateIndex
CREATE INDEX "M_s_idx" ON "M"("s") WHERE ("b" = true);

-- CreateIndex
CREATE UNIQUE INDEX "M_id_s_key" ON "M"("id", "s") WHERE (b);
