-- DropIndex
DROP INDEX "i2";

-- DropIndex
DROP INDEX "i8";

-- DropIndex
DROP INDEX "i12";

-- DropIndex
DROP INDEX "i13";

-- CreateIndex
CREATE INDEX "i6" ON "U"("id") WHERE (s = 'X');

-- CreateIndex
CREATE INDEX "i8" ON "U"("id") WHERE ((a OR b) AND c);

-- CreateIndex
CREATE INDEX "i12" ON "U"("id") WHERE (s = 'a  b');

-- CreateIndex
CREATE INDEX "i13" ON "U"("id") WHERE (LOWER(s) = 'a');

-- CreateIndex
CREATE INDEX "i15" ON "U"("id") WHERE ("a" != false);
