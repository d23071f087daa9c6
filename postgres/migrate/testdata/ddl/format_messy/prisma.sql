-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "a";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "b";

-- CreateEnum
CREATE TYPE "a"."roles" AS ENUM ('user', 'ADMIN');

-- CreateTable
CREATE TABLE "a"."users" (
    "id" SERIAL NOT NULL,
    "email" VARCHAR(200) NOT NULL,
    "full_name" TEXT,
    "role" "a"."roles" NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "b"."Post" (
    "id" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "meta" JSONB DEFAULT '{}',

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "a"."users"("email");

-- CreateIndex
CREATE INDEX "email_name" ON "a"."users"("email", "full_name");

-- AddForeignKey
ALTER TABLE "b"."Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "a"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
