-- DropForeignKey
ALTER TABLE "C" DROP CONSTRAINT "C_pa_pb_fkey";

-- CreateIndex
CREATE UNIQUE INDEX "P_b_a_key" ON "P"("b", "a");

-- AddForeignKey
ALTER TABLE "C" ADD CONSTRAINT "c_p" FOREIGN KEY ("pb", "pa") REFERENCES "P"("b", "a") ON DELETE RESTRICT ON UPDATE CASCADE;
