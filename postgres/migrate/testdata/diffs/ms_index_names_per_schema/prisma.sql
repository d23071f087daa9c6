-- CreateTable
CREATE TABLE "b"."U" (
    "id" INTEGER NOT NULL,
    "y" TEXT NOT NULL,

    CONSTRAINT "U_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "shared" ON "b"."U"("y");
