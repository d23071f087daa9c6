-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "items" (
    "id" INTEGER NOT NULL,
    "item_sku" TEXT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "price" DECIMAL(65,30) NOT NULL,
    "data" JSONB NOT NULL,
    "tags" TEXT[],
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" INET NOT NULL,
    "code" CHAR(4) NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "item_pk" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Entry" (
    "a" TEXT NOT NULL,
    "b" INTEGER NOT NULL,
    "c" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "entry_key" PRIMARY KEY ("a","b")
);

-- CreateIndex
CREATE UNIQUE INDEX "item_sku_uq" ON "items"("item_sku" DESC);

-- CreateIndex
CREATE INDEX "items_created_idx" ON "items"("created" DESC);

-- CreateIndex
CREATE INDEX "title_created" ON "items"("title" ASC, "created" DESC);

-- CreateIndex
CREATE INDEX "items_data_idx" ON "items" USING GIN ("data");

-- CreateIndex
CREATE INDEX "data_ops" ON "items" USING GIN ("data" jsonb_ops);

-- CreateIndex
CREATE INDEX "items_tags_idx" ON "items" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "items_ip_idx" ON "items" USING GIST ("ip" inet_ops);

-- CreateIndex
CREATE INDEX "items_n_idx" ON "items" USING HASH ("n");

-- CreateIndex
CREATE INDEX "created_brin" ON "items" USING BRIN ("created");

-- CreateIndex
CREATE INDEX "items_price_idx" ON "items"("price");

-- CreateIndex
CREATE INDEX "items_title_idx" ON "items" USING SPGIST ("title" text_ops);

-- CreateIndex
CREATE INDEX "items_code_idx" ON "items" USING BRIN ("code" bpchar_minmax_ops);

-- CreateIndex
CREATE UNIQUE INDEX "items_title_price_key" ON "items"("title", "price" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "code_n" ON "items"("code", "n");

-- CreateIndex
CREATE INDEX "legacyName" ON "Entry"("b", "c");
