-- DropTable
DROP TABLE "A";

-- CreateTable
CREATE TABLE "a_table" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "a_table_pkey" PRIMARY KEY ("id")
);
