INSERT INTO "T" (id, code, other) VALUES (1, 'a', 1), (2, 'a', 1);
