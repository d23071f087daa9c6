INSERT INTO "User" (id, name, bio) VALUES (1, 'a', 'x'), (2, 'b', NULL), (3, 'c', 'y');
