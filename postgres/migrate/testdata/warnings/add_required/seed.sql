INSERT INTO "User" (id) VALUES (1), (2);
