// Package idgen produces the ids of Prisma's client-side defaults:
// @default(uuid()), uuid(4), uuid(7), cuid(), cuid(2), nanoid(), nanoid(n)
// and ulid(). Generated clients set them as orm.Field.Generate, so a create
// that leaves such a field out gets a fresh id from the client, as Prisma's
// client does; a value given by the caller is kept.
//
// UUIDs come from github.com/google/uuid, cuid (v1) from
// github.com/lucsky/cuid (fed by crypto/rand), nanoids from
// github.com/matoous/go-nanoid/v2 and ULIDs from github.com/oklog/ulid/v2
// (monotonic within a millisecond). cuid2 follows the reference algorithm:
// a random letter, then the base-36 SHA3-512 digest of time, random salt,
// a counter and a per-process fingerprint, 24 characters in all.
//
// Every function is safe for concurrent use.
package idgen
