-- DropTable
DROP TABLE "alpha";

-- DropTable
DROP TABLE "Mid";

-- CreateTable
CREATE TABLE "Beta" (
    "id" INTEGER NOT NULL,
    "zetaId" INTEGER NOT NULL,

    CONSTRAINT "Beta_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Aaa" (
    "id" INTEGER NOT NULL,
    "zetaId" INTEGER NOT NULL,

    CONSTRAINT "Aaa_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "under" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "under_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lower" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "lower_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Beta" ADD CONSTRAINT "Beta_zetaId_fkey" FOREIGN KEY ("zetaId") REFERENCES "Zeta"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Aaa" ADD CONSTRAINT "Aaa_zetaId_fkey" FOREIGN KEY ("zetaId") REFERENCES "Zeta"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
