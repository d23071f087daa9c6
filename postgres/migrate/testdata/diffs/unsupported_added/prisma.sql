-- AlterTable
ALTER TABLE "M" ADD COLUMN     "g" circle,
ADD COLUMN     "t" tsvector;

-- CreateIndex
CREATE INDEX "M_t_idx" ON "M" USING GIN ("t");
