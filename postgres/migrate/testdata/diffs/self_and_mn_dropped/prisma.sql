-- DropForeignKey
ALTER TABLE "A" DROP CONSTRAINT "A_parentId_fkey";

-- DropForeignKey
ALTER TABLE "_AToB" DROP CONSTRAINT "_AToB_A_fkey";

-- DropForeignKey
ALTER TABLE "_AToB" DROP CONSTRAINT "_AToB_B_fkey";

-- AlterTable
ALTER TABLE "A" DROP COLUMN "parentId";

-- DropTable
DROP TABLE "_AToB";
