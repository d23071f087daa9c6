-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Node" (
    "id" INTEGER NOT NULL,
    "parentId" INTEGER,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Item" (
    "id" INTEGER NOT NULL,
    "nodeId" INTEGER NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Link" (
    "id" INTEGER NOT NULL,
    "nodeId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,

    CONSTRAINT "Link_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Node_parentId_idx" ON "Node"("parentId");

-- CreateIndex
CREATE INDEX "Item_nodeId_idx" ON "Item"("nodeId");

-- CreateIndex
CREATE INDEX "Link_nodeId_idx" ON "Link"("nodeId");

-- CreateIndex
CREATE INDEX "Link_itemId_idx" ON "Link"("itemId");
