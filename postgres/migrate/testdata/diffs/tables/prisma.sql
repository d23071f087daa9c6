-- DropTable
DROP TABLE "Drop";

-- DropTable
DROP TABLE "old_name";

-- CreateTable
CREATE TABLE "new_name" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "new_name_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fresh" (
    "id" TEXT NOT NULL,
    "keep" INTEGER,

    CONSTRAINT "Fresh_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Fresh_keep_key" ON "Fresh"("keep");
