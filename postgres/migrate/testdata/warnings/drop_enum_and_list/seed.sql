INSERT INTO "T" (id, kind, tags) VALUES (1, 'A', '{x,y}');
