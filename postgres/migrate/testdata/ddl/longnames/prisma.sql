-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver" (
    "id" SERIAL NOT NULL,
    "anExtremelyLongColumnNameThatIsWayTooLongForPostgres" TEXT NOT NULL,
    "anotherExtremelyLongColumnNameThatIsAlsoTooLongForIt" INTEGER NOT NULL,
    "ownerWithAnExtremelyLongForeignKeyColumnNameForTesting" INTEGER NOT NULL,

    CONSTRAINT "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnotherModelWithALongNameForTheRelationsToBeLong" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "AnotherModelWithALongNameForTheRelationsToBeLong_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TagModelWithAQuiteLongNameAsWellForTheJoinTable" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "TagModelWithAQuiteLongNameAsWellForTheJoinTable_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverToTagModel" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverTo_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver_anExtr_key" ON "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver"("anExtremelyLongColumnNameThatIsWayTooLongForPostgres");

-- CreateIndex
CREATE INDEX "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver_anothe_idx" ON "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver"("anotherExtremelyLongColumnNameThatIsAlsoTooLongForIt", "anExtremelyLongColumnNameThatIsWayTooLongForPostgres");

-- CreateIndex
CREATE UNIQUE INDEX "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver_anothe_key" ON "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver"("anotherExtremelyLongColumnNameThatIsAlsoTooLongForIt", "ownerWithAnExtremelyLongForeignKeyColumnNameForTesting");

-- CreateIndex
CREATE INDEX "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverTo_B_index" ON "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverToTagModel"("B");

-- AddForeignKey
ALTER TABLE "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver" ADD CONSTRAINT "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver_owner_fkey" FOREIGN KEY ("ownerWithAnExtremelyLongForeignKeyColumnNameForTesting") REFERENCES "AnotherModelWithALongNameForTheRelationsToBeLong"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverToTagModel" ADD CONSTRAINT "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverToT_A_fkey" FOREIGN KEY ("A") REFERENCES "AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverToTagModel" ADD CONSTRAINT "_AVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEverToT_B_fkey" FOREIGN KEY ("B") REFERENCES "TagModelWithAQuiteLongNameAsWellForTheJoinTable"("id") ON DELETE CASCADE ON UPDATE CASCADE;
