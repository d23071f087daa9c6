-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH SCHEMA "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" CITEXT NOT NULL,
    "nickname" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "props" JSONB NOT NULL DEFAULT '{"b":1,"a":[1, 2]}',
    "tags" TEXT[] DEFAULT ARRAY['x', 'y']::TEXT[],
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT '2021-06-01 00:00:00 +02:00',
    "factor" DECIMAL(4,2) NOT NULL DEFAULT 2.00,
    "categoryId" INTEGER NOT NULL DEFAULT 0,
    "ownerId" INTEGER,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Category" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "raw" circle,

    CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_email_idx" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_props_idx" ON "User" USING GIN ("props" jsonb_ops);

-- CreateIndex
CREATE INDEX "User_tags_idx" ON "User" USING GIN ("tags" array_ops);

-- CreateIndex
CREATE INDEX "User_name_nickname_idx" ON "User"("name" ASC, "nickname" DESC);

-- CreateIndex
CREATE INDEX "user_name_trgm" ON "User" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "User_nickname_key" ON "User"("nickname");

-- CreateIndex
CREATE UNIQUE INDEX "Category_id_key" ON "Category"("id");

-- CreateIndex
CREATE UNIQUE INDEX "Legacy_name_key" ON "Legacy"("name");

-- CreateIndex
CREATE INDEX "Legacy_name_idx" ON "Legacy"("name" ASC);

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;
