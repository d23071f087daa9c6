-- DropTable
DROP TABLE "people";

-- CreateTable
CREATE TABLE "persons" (
    "id" INTEGER NOT NULL,
    "display_name" TEXT NOT NULL,
    "years" INTEGER NOT NULL,

    CONSTRAINT "persons_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "persons_display_name_idx" ON "persons"("display_name");
