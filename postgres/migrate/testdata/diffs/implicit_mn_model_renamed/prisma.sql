-- DropForeignKey
ALTER TABLE "_AToB" DROP CONSTRAINT "_AToB_A_fkey";

-- DropForeignKey
ALTER TABLE "_AToB" DROP CONSTRAINT "_AToB_B_fkey";

-- DropTable
DROP TABLE "A";

-- DropTable
DROP TABLE "B";

-- CreateTable
CREATE TABLE "aa" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "aa_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bb" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "bb_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "_AToB" ADD CONSTRAINT "_AToB_A_fkey" FOREIGN KEY ("A") REFERENCES "aa"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_AToB" ADD CONSTRAINT "_AToB_B_fkey" FOREIGN KEY ("B") REFERENCES "bb"("id") ON DELETE CASCADE ON UPDATE CASCADE;
