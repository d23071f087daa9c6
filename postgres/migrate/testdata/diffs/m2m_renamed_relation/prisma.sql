-- DropForeignKey
ALTER TABLE "_AToB" DROP CONSTRAINT "_AToB_A_fkey";

-- DropForeignKey
ALTER TABLE "_AToB" DROP CONSTRAINT "_AToB_B_fkey";

-- DropTable
DROP TABLE "_AToB";

-- CreateTable
CREATE TABLE "_links" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_links_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "_links_B_index" ON "_links"("B");

-- AddForeignKey
ALTER TABLE "_links" ADD CONSTRAINT "_links_A_fkey" FOREIGN KEY ("A") REFERENCES "A"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_links" ADD CONSTRAINT "_links_B_fkey" FOREIGN KEY ("B") REFERENCES "B"("id") ON DELETE CASCADE ON UPDATE CASCADE;
