-- DropForeignKey
ALTER TABLE "b"."C" DROP CONSTRAINT "C_pId_fkey";

-- AddForeignKey
ALTER TABLE "b"."C" ADD CONSTRAINT "c_p_fk" FOREIGN KEY ("pId") REFERENCES "a"."P"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "b"."C_pId_idx" RENAME TO "c_p_idx";
