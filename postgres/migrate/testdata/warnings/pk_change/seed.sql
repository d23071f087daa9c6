INSERT INTO "T" (a, b, c) VALUES (1, 1, 1);
