INSERT INTO "User" (id, email, a, b) VALUES (1, 'x', 1, 1), (2, 'y', 1, 2);
