INSERT INTO "User" (id, role) VALUES (1, 'USER'), (2, 'GUEST');
