INSERT INTO "User" (id, name, nick) VALUES (1, NULL, NULL), (2, 'b', NULL);
