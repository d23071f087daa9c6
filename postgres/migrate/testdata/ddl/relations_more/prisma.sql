-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "people" (
    "person_id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "spouseId" INTEGER,
    "managerId" INTEGER,

    CONSTRAINT "people_pkey" PRIMARY KEY ("person_id")
);

-- CreateTable
CREATE TABLE "Profile" (
    "personId" INTEGER NOT NULL,
    "bio" TEXT NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "Book" (
    "id" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "editor_mail" TEXT,
    "shelfA" INTEGER,
    "shelfB" TEXT,

    CONSTRAINT "Book_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shelf" (
    "a" INTEGER NOT NULL,
    "b" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,

    CONSTRAINT "Shelf_pkey" PRIMARY KEY ("a","b")
);

-- CreateTable
CREATE TABLE "_Friends" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_Friends_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "people_email_key" ON "people"("email");

-- CreateIndex
CREATE UNIQUE INDEX "people_spouseId_key" ON "people"("spouseId");

-- CreateIndex
CREATE INDEX "shelf_owner" ON "Shelf"("ownerId");

-- CreateIndex
CREATE INDEX "_Friends_B_index" ON "_Friends"("B");

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_spouseId_fkey" FOREIGN KEY ("spouseId") REFERENCES "people"("person_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "people"("person_id") ON DELETE SET NULL ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Profile" ADD CONSTRAINT "Profile_personId_fkey" FOREIGN KEY ("personId") REFERENCES "people"("person_id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Book" ADD CONSTRAINT "Book_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "people"("person_id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Book" ADD CONSTRAINT "Book_editor_mail_fkey" FOREIGN KEY ("editor_mail") REFERENCES "people"("email") ON DELETE SET DEFAULT ON UPDATE SET NULL;

-- AddForeignKey
ALTER TABLE "Book" ADD CONSTRAINT "book_shelf" FOREIGN KEY ("shelfA", "shelfB") REFERENCES "Shelf"("a", "b") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shelf" ADD CONSTRAINT "Shelf_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "people"("person_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_Friends" ADD CONSTRAINT "_Friends_A_fkey" FOREIGN KEY ("A") REFERENCES "people"("person_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_Friends" ADD CONSTRAINT "_Friends_B_fkey" FOREIGN KEY ("B") REFERENCES "people"("person_id") ON DELETE CASCADE ON UPDATE CASCADE;
