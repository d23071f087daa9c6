-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Mood" AS ENUM ('HAPPY', 'sad', 'so-so');

-- CreateTable
CREATE TABLE "D" (
    "id" BIGSERIAL NOT NULL,
    "s" SMALLSERIAL NOT NULL,
    "i" SERIAL NOT NULL,
    "mood" "Mood" NOT NULL DEFAULT 'so-so',
    "moods" "Mood"[] DEFAULT ARRAY['HAPPY', 'so-so']::"Mood"[],
    "sad" "Mood" DEFAULT 'sad',
    "t" TIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ttz" TIMETZ(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ts6" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expr" TIMESTAMP(3) NOT NULL DEFAULT now() + interval '1 day',
    "txt" TEXT NOT NULL DEFAULT 'x'::text,
    "lower" VARCHAR(10) NOT NULL DEFAULT lower('ABC'),
    "arr" INTEGER[] DEFAULT ARRAY[1, 2],
    "d0" DECIMAL(65,30) NOT NULL DEFAULT 0.0,
    "dbig" DECIMAL(30,0) NOT NULL DEFAULT 123456789012345678901234567890,
    "f" DOUBLE PRECISION NOT NULL DEFAULT 0.0000001,
    "f2" DOUBLE PRECISION NOT NULL DEFAULT 3,
    "b" BIGINT NOT NULL DEFAULT 0,
    "j" JSONB NOT NULL DEFAULT '{"nested": {"a": [true, null]}}',
    "emptyL" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "quote" TEXT NOT NULL DEFAULT 'it''''s',
    "dollar" TEXT NOT NULL DEFAULT '$1 $$',
    "tab" TEXT NOT NULL DEFAULT 'a	b',

    CONSTRAINT "D_pkey" PRIMARY KEY ("id")
);
