package tenancy

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

//go:embed schema.prisma
var schemaSource string

// TenantTables lists every table that holds tenant rows, with the column
// naming the tenant. Each gets row-level security.
var TenantTables = []struct{ Table, Column string }{
	{"tenants", "id"},
	{"users", "tenant_id"},
	{"api_keys", "tenant_id"},
	{"projects", "tenant_id"},
	{"tasks", "tenant_id"},
	{"invoices", "tenant_id"},
}

// Migrate brings the tables to schema.prisma with the migration engine
// (introspect, diff, apply); destructive steps are refused.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return fmt.Errorf("%w: nil pool", ErrInvalid)
	}
	s, err := psl.Load("schema.prisma", []byte(schemaSource))
	if err != nil {
		return fmt.Errorf("tenancy: schema: %w", err)
	}
	plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(s), nil)
	if err != nil {
		return fmt.Errorf("tenancy: plan migration: %w", err)
	}
	if plan.Empty() {
		return nil
	}
	if err := migrate.Apply(ctx, pool, plan, nil); err != nil {
		return fmt.Errorf("tenancy: migrate: %w", err)
	}
	return nil
}
