// Package migrate is a PostgreSQL migration engine compatible with Prisma
// Migrate.
//
// FromSchema turns a validated schema (postgres/psl) into a Database: the
// tables, columns, keys, indexes, foreign keys and enums Prisma Migrate
// would create, with the same names and types (SERIAL, TIMESTAMP(3),
// DECIMAL(65,30), JSONB, User_pkey, User_email_key, Post_authorId_fkey,
// _CategoryToPost with A/B columns). Introspect reads the same shape from a
// live database. Diff compares two of them and returns a Plan of ordered,
// reviewable Steps whose SQL matches what Prisma writes in migration.sql.
//
// Diff never guesses renames: a renamed column or table is a drop plus a
// create, flagged Destructive, with a warning that shows the RENAME
// statement to use instead. Check, Apply and Dev refuse destructive steps
// unless Options.AllowDestructive is set, and refuse a required column
// without a default on a table that has rows (*UnexecutableError).
//
// Migrations live in a folder of <timestamp>_<name>/migration.sql files
// and the _prisma_migrations history table, with Prisma's columns and
// sha256 checksums, so a database and folder managed by Prisma can be
// taken over unchanged. Deploy applies pending migrations in order, each
// in one transaction with its history row, under the same PostgreSQL
// advisory lock Prisma takes (AdvisoryLockKey), so concurrent deployers
// apply each migration exactly once. Dev, GetStatus and Reset back the
// "polystore migrate" commands.
//
// A model with a @@polystore.partition doc-line directive becomes a
// partitioned table (PARTITION BY RANGE with a default partition, or
// PARTITION BY HASH with all its partitions); introspection and Diff see
// the parent only. MaintainPartitions creates upcoming range partitions
// and applies the retention relative to an injectable clock.
package migrate
