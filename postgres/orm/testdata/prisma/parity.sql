-- Tables of schema.prisma, as Prisma 7 migrates them (constraint names included).
CREATE TYPE "Kind" AS ENUM ('ROOT', 'LEAF');
CREATE TABLE "Author" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "code" VARCHAR(5),
    "rank" INTEGER,
    "big" BIGINT,
    "score" DECIMAL(10,2),
    "ratio" DOUBLE PRECISION,
    "blob" BYTEA,
    "meta" JSONB,
    "born" TIMESTAMP(3),
    CONSTRAINT "Author_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Book" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "pages" INTEGER NOT NULL,
    "price" DECIMAL(10,2) NOT NULL,
    "genre" TEXT,
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "Book_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Tag" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "_AuthorToTag" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,
    CONSTRAINT "_AuthorToTag_AB_pkey" PRIMARY KEY ("A","B")
);
CREATE TABLE "Item" (
    "id" SERIAL NOT NULL,
    "labels" TEXT[],
    "nums" INTEGER[],
    "data" JSONB,
    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "touchedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Profile" (
    "id" SERIAL NOT NULL,
    "bio" TEXT,
    "userId" INTEGER NOT NULL,
    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "touchedAt" TIMESTAMP(3) NOT NULL,
    "userId" INTEGER NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Shelf" (
    "area" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "label" TEXT,
    CONSTRAINT "Shelf_pkey" PRIMARY KEY ("area","slot")
);
CREATE TABLE "Kit" (
    "id" SERIAL NOT NULL,
    "code" TEXT,
    "variant" TEXT,
    "shelfArea" TEXT,
    "shelfSlot" INTEGER,
    CONSTRAINT "Kit_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "nodes" (
    "id" SERIAL NOT NULL,
    "node_label" TEXT NOT NULL,
    "kind" "Kind" NOT NULL DEFAULT 'LEAF',
    "done" BOOLEAN NOT NULL DEFAULT false,
    "parent_id" INTEGER,
    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Author_email_key" ON "Author"("email");
CREATE UNIQUE INDEX "Book_title_authorId_key" ON "Book"("title", "authorId");
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");
CREATE INDEX "_AuthorToTag_B_index" ON "_AuthorToTag"("B");
CREATE UNIQUE INDEX "Profile_userId_key" ON "Profile"("userId");
CREATE UNIQUE INDEX "Kit_code_variant_key" ON "Kit"("code", "variant");
ALTER TABLE "Book" ADD CONSTRAINT "Book_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Author"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "_AuthorToTag" ADD CONSTRAINT "_AuthorToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Author"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_AuthorToTag" ADD CONSTRAINT "_AuthorToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Profile" ADD CONSTRAINT "Profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Post" ADD CONSTRAINT "Post_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Kit" ADD CONSTRAINT "Kit_shelfArea_shelfSlot_fkey" FOREIGN KEY ("shelfArea", "shelfSlot") REFERENCES "Shelf"("area", "slot") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE TYPE "Role" AS ENUM ('ADMIN', 'EDITOR', 'VIEWER');
CREATE TABLE "Team" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Member" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "roles" "Role"[],
    "teamId" INTEGER NOT NULL,
    "seenAt" TIMESTAMPTZ(6),
    "stamp" TIMESTAMP(6),
    "day" DATE,
    "at" TIME(6),
    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Badge" (
    "id" SERIAL NOT NULL,
    "label" TEXT NOT NULL,
    "teamId" INTEGER,
    CONSTRAINT "Badge_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Note" (
    "id" SERIAL NOT NULL,
    "body" TEXT NOT NULL,
    "teamId" INTEGER NOT NULL,
    CONSTRAINT "Note_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");
ALTER TABLE "Member" ADD CONSTRAINT "Member_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Badge" ADD CONSTRAINT "Badge_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE SET NULL;
ALTER TABLE "Note" ADD CONSTRAINT "Note_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
CREATE TABLE "Word" (
    "id" SERIAL NOT NULL,
    "text" TEXT NOT NULL,
    "alts" TEXT[],
    "doc" JSONB,
    "spec" JSONB,
    CONSTRAINT "Word_pkey" PRIMARY KEY ("id")
);
-- The rows every case starts from (ids fixed; clock-free: fixed dates).
INSERT INTO "Author" ("id", "email", "name", "code", "rank", "big", "score", "ratio", "blob", "meta", "born") VALUES
 (1, 'ada@x.io',   'Ada',   'ab',  3,    9007199254740993, 10.50, 0.5,  '\x0102ff', '{"a": [1, 2], "b": null}', '1990-05-01 10:00:00.123'),
 (2, 'bob@x.io',   NULL,    NULL,  NULL, NULL,             NULL,  NULL, NULL,       NULL,                        NULL),
 (3, 'cy@x.io',    'Cy',    'cd',  1,    -5,               2.25,  1.5,  '\x',       '"text"',                    '2001-01-01 00:00:00'),
 (4, 'dee@x.io',   'Ada',   NULL,  3,    7,                0.00,  NULL, NULL,       '[1, {"k": 1.5}]',           '1990-05-01 10:00:00.123');
SELECT setval('"Author_id_seq"', 10);
INSERT INTO "Book" ("id", "title", "pages", "price", "genre", "authorId") VALUES
 (1, 'Alpha', 100, 9.99,  'sf',   1),
 (2, 'Beta',  250, 20.00, NULL,   1),
 (3, 'Gamma', 80,  5.50,  'sf',   3),
 (4, 'Delta', 300, 12.00, 'poem', 3),
 (5, 'Eps',   120, 9.99,  NULL,   4),
 (6, 'Alpha', 90,  1.10,  'sf',   4);
SELECT setval('"Book_id_seq"', 10);
INSERT INTO "Tag" ("id", "name") VALUES (1, 'red'), (2, 'green'), (3, 'blue');
SELECT setval('"Tag_id_seq"', 10);
INSERT INTO "_AuthorToTag" ("A", "B") VALUES (1, 1), (1, 2), (3, 2), (4, 3);
-- Items: 3's lists are SQL NULL (Prisma never writes that, other writers may);
-- 5's data is the JSON value null.
INSERT INTO "Item" ("id", "labels", "nums", "data") VALUES
 (1, '{a,b}', '{1,2,3}', '{"k": "v", "n": 2, "arr": ["x", "y"]}'),
 (2, '{}',    '{}',      '[1, 2, 3]'),
 (3, NULL,    NULL,      NULL),
 (4, '{b,B}', '{5}',     '{"k": "V", "n": 10, "arr": []}'),
 (5, '{c}',   '{2,2}',   'null');
SELECT setval('"Item_id_seq"', 10);
-- Users, profiles, posts (touchedAt fixed: an @updatedAt the case touches
-- changes, the others keep 2000-01-01), shelves and kits.
INSERT INTO "User" ("id", "name", "touchedAt") VALUES
 (1, 'u1', '2000-01-01 00:00:00'), (2, 'u2', '2000-01-01 00:00:00'), (3, 'u3', '2000-01-01 00:00:00');
SELECT setval('"User_id_seq"', 10);
INSERT INTO "Profile" ("id", "bio", "userId") VALUES (1, 'first', 1), (2, NULL, 2);
SELECT setval('"Profile_id_seq"', 10);
INSERT INTO "Post" ("id", "title", "touchedAt", "userId") VALUES
 (1, 'p1', '2000-01-01 00:00:00', 1), (2, 'p2', '2000-01-01 00:00:00', 1), (3, 'p3', '2000-01-01 00:00:00', 2);
SELECT setval('"Post_id_seq"', 10);
INSERT INTO "Shelf" ("area", "slot", "label") VALUES ('A', 1, 'a1'), ('A', 2, NULL), ('B', 1, 'b1');
INSERT INTO "Kit" ("id", "code", "variant", "shelfArea", "shelfSlot") VALUES
 (1, 'k', 'v1', 'A', 1), (2, 'k', NULL, 'A', 1), (3, 'k', NULL, NULL, NULL), (4, NULL, NULL, 'B', 1);
SELECT setval('"Kit_id_seq"', 10);
INSERT INTO "nodes" ("id", "node_label", "kind", "done", "parent_id") VALUES
 (1, 'root', 'ROOT', false, NULL), (2, 'a', 'LEAF', true, 1), (3, 'b', 'LEAF', false, 1), (4, 'c', 'LEAF', false, 2), (5, 'lone', 'ROOT', true, NULL);
SELECT setval('"nodes_id_seq"', 10);
-- Teams, members (roles: an enum list; 3's is SQL NULL), badges, notes.
INSERT INTO "Team" ("id", "name") VALUES (1, 'red'), (2, 'blue'), (3, 'empty');
SELECT setval('"Team_id_seq"', 10);
INSERT INTO "Member" ("id", "name", "roles", "teamId", "seenAt", "stamp", "day", "at") VALUES
 (1, 'm1', '{ADMIN,EDITOR}', 1, '2020-01-02 03:04:05.123456+00', '2020-01-02 03:04:05.123456', '2020-01-02', '03:04:05.123456'),
 (2, 'm2', '{VIEWER}',       1, '2021-06-30 23:59:59.999999+00', '2021-06-30 23:59:59.999999', '2021-06-30', '23:59:59.999999'),
 (3, 'm3', NULL,             2, NULL, NULL, NULL, NULL),
 (4, 'm4', '{}',             2, '1999-12-31 00:00:00+00', '1999-12-31 00:00:00', '1999-12-31', '00:00:00');
SELECT setval('"Member_id_seq"', 10);
INSERT INTO "Badge" ("id", "label", "teamId") VALUES (1, 'b1', 1), (2, 'b2', 1), (3, 'b3', NULL);
SELECT setval('"Badge_id_seq"', 10);
INSERT INTO "Note" ("id", "body", "teamId") VALUES (1, 'n1', 2), (2, 'n2', 2);
SELECT setval('"Note_id_seq"', 10);
INSERT INTO "Word" ("id", "text", "alts", "doc", "spec") VALUES
 (1, 'Red',   '{red,blue}', '{"a": "x", "n": 1, "l": ["x", 1]}',   '"x"'),
 (2, 'green', '{GREEN}',    '{"a": "evergreen", "n": 5, "l": [5]}', '{"a": "y"}'),
 (3, 'blue',  '{}',         '{"a": [1, 2], "n": "5"}',              '[1, 2]'),
 (4, 'Cyan',  NULL,         NULL,                                   '5'),
 (5, 'x',     '{X,y,x}',    '"x"',                                  NULL),
 (6, 'Six',   '{}',         '{"a": "sixty", "n": 7, "l": [6, 7]}',  '6');
SELECT setval('"Word_id_seq"', 10);
