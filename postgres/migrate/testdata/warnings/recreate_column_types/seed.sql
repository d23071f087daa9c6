INSERT INTO "T" (id, tags, n, d, u) VALUES (1, '{a}', '{1}', now(), gen_random_uuid()), (2, '{}', NULL, now(), gen_random_uuid());
