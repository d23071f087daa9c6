// Package migratecmd is the `migrate` command line for MongoDB migrations,
// to build into your own program.
//
// MongoDB migrations (package mongo/migrate) are Go code: the program that
// registers them is the one that can apply them. So instead of a separate
// tool that cannot see your migrations, migratecmd gives your program the
// command: a `cmd/migrate/main.go` of three lines (see Example) builds a
// binary with `up` (`--dry-run`, `--to`), `status` and `down`, reading the
// server from --url or POLYSTORE_MONGO_URL and the database from --db.
// Command returns the same command as a cobra.Command to add under an
// existing command line; polystore's own `polystore mongo migrate` is it.
//
// Errors are typed: a missing --url or --db is a *UsageError, a program
// that registered nothing gets ErrNoMigrations; ExitCode maps both to 2
// and anything else to 1, as Main does.
package migratecmd
