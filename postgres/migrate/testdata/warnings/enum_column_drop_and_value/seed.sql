INSERT INTO "T" (id, role, old) VALUES (1, 'USER', 'GUEST'), (2, 'ADMIN', NULL);
