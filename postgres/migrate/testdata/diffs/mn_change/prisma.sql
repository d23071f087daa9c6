-- DropForeignKey
ALTER TABLE "_PToT" DROP CONSTRAINT "_PToT_A_fkey";

-- DropForeignKey
ALTER TABLE "_PToT" DROP CONSTRAINT "_PToT_B_fkey";

-- DropTable
DROP TABLE "_PToT";

-- CreateTable
CREATE TABLE "_tagging" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_tagging_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "_tagging_B_index" ON "_tagging"("B");

-- AddForeignKey
ALTER TABLE "_tagging" ADD CONSTRAINT "_tagging_A_fkey" FOREIGN KEY ("A") REFERENCES "P"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_tagging" ADD CONSTRAINT "_tagging_B_fkey" FOREIGN KEY ("B") REFERENCES "T"("id") ON DELETE CASCADE ON UPDATE CASCADE;
