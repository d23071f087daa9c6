-- DropIndex
DROP INDEX "Doc_slug_key";

-- DropIndex
DROP INDEX "Doc_title_idx";

-- DropIndex
DROP INDEX "Doc_body_idx";

-- DropIndex
DROP INDEX "Doc_lang_title_idx";

-- AlterTable
ALTER TABLE "Pair" DROP CONSTRAINT "Pair_pkey",
ADD CONSTRAINT "Pair_pkey" PRIMARY KEY ("b", "a");

-- CreateIndex
CREATE UNIQUE INDEX "Doc_title_key" ON "Doc"("title");

-- CreateIndex
CREATE INDEX "Doc_slug_idx" ON "Doc"("slug");

-- CreateIndex
CREATE INDEX "Doc_body_idx" ON "Doc" USING GIN ("body" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Doc_lang_title_idx" ON "Doc"("lang", "title" DESC);

-- CreateIndex
CREATE INDEX "Doc_rank_idx" ON "Doc" USING HASH ("rank");

-- RenameIndex
ALTER INDEX "doc_rank" RENAME TO "doc_rank_idx";

-- RenameIndex
ALTER INDEX "Doc_author_slug_key" RENAME TO "doc_author_slug";
