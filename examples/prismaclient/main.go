// Command prismaclient shows the client generated from schema.prisma (the
// guide's schema) at work: it creates a throwaway database on the local
// PostgreSQL (POLYSTORE_PG_URL, else 127.0.0.1:5432), applies the schema,
// writes a user with nested posts and reads them back with a nested
// include, then drops the database.
//
//	go run ./examples/prismaclient
package main

import (
	"context"
	_ "embed"
	"log"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/psl"
)

//go:embed schema.prisma
var schemaSource []byte

// ApplySchema creates the schema's tables (the migration engine's DDL for
// an empty database).
func ApplySchema(ctx context.Context, pool *pgxpool.Pool) error {
	s, err := psl.Load("schema.prisma", schemaSource)
	if err != nil {
		return err
	}
	return migrate.Apply(ctx, pool, migrate.Diff(nil, migrate.FromSchema(s)), nil)
}

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	srv, err := devenv.ResolvePostgres(ctx, nil)
	if err != nil {
		return err
	}
	admin, err := pgx.Connect(ctx, srv.URL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	name := devenv.UniqueName("prismaclient")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	defer admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)") //nolint:errcheck
	cfg, err := pgxpool.ParseConfig(srv.URL)
	if err != nil {
		return err
	}
	cfg.ConnConfig.Database = name
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	client := db.New(orm.NewWithPool(pool, nil))
	defer client.Close()
	if err := ApplySchema(ctx, pool); err != nil {
		return err
	}
	return demo(ctx, client, os.Stdout)
}
