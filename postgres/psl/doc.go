// Package psl reads the Prisma Schema Language (schema.prisma) as used with
// the postgresql provider.
//
// Parse turns source into a syntax tree (File) that keeps positions,
// comments and "///" doc comments; Format prints it back in the canonical
// layout. Validate resolves a File into a Schema: model and field types,
// database names after @map/@@map, native types (@db.*), defaults,
// @updatedAt, primary keys, unique constraints, indexes, enums and both
// sides of every relation, including the join tables of implicit
// many-to-many relations. Load does both steps.
//
// Problems come back as an *Error (matching ErrInvalidSchema) that lists
// every Diagnostic with file:line:col, a message and the offending text.
// Neither Parse nor Validate panics on any input.
//
// The migration engine (postgres/migrate) builds DDL from a Schema and the
// client generator (postgres/gen) builds Go code from it.
package psl
