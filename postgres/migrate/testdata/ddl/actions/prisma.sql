-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Parent" (
    "id" INTEGER NOT NULL,
    "code" TEXT NOT NULL,

    CONSTRAINT "Parent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Child" (
    "id" INTEGER NOT NULL,
    "reqId" INTEGER NOT NULL,
    "optId" INTEGER,
    "casId" INTEGER NOT NULL,
    "resId" INTEGER,
    "noaId" INTEGER NOT NULL,
    "snId" INTEGER,
    "sdId" INTEGER NOT NULL DEFAULT 1,
    "code" TEXT,
    "oneId" INTEGER NOT NULL,

    CONSTRAINT "Child_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Parent_code_key" ON "Parent"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Child_oneId_key" ON "Child"("oneId");

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_reqId_fkey" FOREIGN KEY ("reqId") REFERENCES "Parent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_optId_fkey" FOREIGN KEY ("optId") REFERENCES "Parent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_casId_fkey" FOREIGN KEY ("casId") REFERENCES "Parent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_resId_fkey" FOREIGN KEY ("resId") REFERENCES "Parent"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_noaId_fkey" FOREIGN KEY ("noaId") REFERENCES "Parent"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_snId_fkey" FOREIGN KEY ("snId") REFERENCES "Parent"("id") ON DELETE SET NULL ON UPDATE SET NULL;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_sdId_fkey" FOREIGN KEY ("sdId") REFERENCES "Parent"("id") ON DELETE SET DEFAULT ON UPDATE SET DEFAULT;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "child_code_fk" FOREIGN KEY ("code") REFERENCES "Parent"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_oneId_fkey" FOREIGN KEY ("oneId") REFERENCES "Parent"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;
