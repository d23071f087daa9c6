INSERT INTO "User" (id, age, score, flag, name, total) VALUES (1, 30, '7', true, 'ann', 1.5);
