INSERT INTO "T" (id, name, score) VALUES (1, NULL, NULL), (2, 'x', 3);
