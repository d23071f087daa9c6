INSERT INTO "Post" (id) VALUES (1), (2);
