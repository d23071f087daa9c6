-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Node" (
    "tenant" INTEGER NOT NULL,
    "id" INTEGER NOT NULL,
    "parentId" INTEGER,
    "label" VARCHAR(80) NOT NULL,
    "tags" TEXT[],
    "props" JSONB NOT NULL DEFAULT '{}',
    "span" int4range,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("tenant","id")
);

-- CreateTable
CREATE TABLE "Link" (
    "id" SERIAL NOT NULL,
    "tenant" INTEGER,
    "nodeId" INTEGER,

    CONSTRAINT "Link_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Node_tenant_parentId_idx" ON "Node"("tenant", "parentId");

-- CreateIndex
CREATE INDEX "Node_tags_idx" ON "Node" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Node_props_idx" ON "Node" USING GIN ("props" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "node_label_pattern" ON "Node"("label" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Node_id_idx" ON "Node" USING BRIN ("id");

-- CreateIndex
CREATE INDEX "Node_label_idx" ON "Node" USING HASH ("label");

-- CreateIndex
CREATE UNIQUE INDEX "node_label_key" ON "Node"("tenant", "label" DESC);

-- CreateIndex
CREATE INDEX "Link_tenant_nodeId_idx" ON "Link"("tenant", "nodeId");

-- AddForeignKey
ALTER TABLE "Node" ADD CONSTRAINT "Node_tenant_parentId_fkey" FOREIGN KEY ("tenant", "parentId") REFERENCES "Node"("tenant", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Link" ADD CONSTRAINT "Link_tenant_nodeId_fkey" FOREIGN KEY ("tenant", "nodeId") REFERENCES "Node"("tenant", "id") ON DELETE SET NULL ON UPDATE CASCADE;
