-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "articles" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "lang" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "article_pk" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "article_slug_uq" ON "articles"("slug");

-- CreateIndex
CREATE INDEX "articles_title_created_at_idx" ON "articles"("title" DESC, "created_at");

-- CreateIndex
CREATE INDEX "articles_body_idx" ON "articles" USING GIN ("body" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "article_lang" ON "articles" USING HASH ("lang");

-- CreateIndex
CREATE INDEX "legacy_created_idx" ON "articles"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "articles_lang_slug_key" ON "articles"("lang", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "title_lang_unique" ON "articles"("title", "lang");
