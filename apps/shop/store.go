package shop

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/shop/db"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/psl"
)

//go:embed schema.prisma
var schemaSource []byte

// Migrate brings the database to schema.prisma with the migration engine
// (introspect, diff, apply). It is idempotent: an up-to-date database is
// left alone; destructive steps are refused.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return errors.New("shop: nil pool")
	}
	s, err := psl.Load("schema.prisma", schemaSource)
	if err != nil {
		return fmt.Errorf("shop: schema: %w", err)
	}
	plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(s), nil)
	if err != nil {
		return fmt.Errorf("shop: plan migration: %w", err)
	}
	if plan.Empty() {
		return nil
	}
	if err := migrate.Apply(ctx, pool, plan, nil); err != nil {
		return fmt.Errorf("shop: migrate: %w", err)
	}
	return nil
}

// Store is the shop's PostgreSQL side through the generated client
// (apps/shop/db): the catalog, orders with their items, the outbox and
// the inventory.
type Store struct {
	client *db.Client
	// productQueries counts the statements that read a product (the
	// catalog cache's loader), from the orm's query events.
	productQueries atomic.Int64
}

// NewStore returns a Store on pool (whose database holds the schema, see
// Migrate). It does no I/O.
func NewStore(pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, errors.New("shop: nil pool")
	}
	s := &Store{}
	s.client = db.New(orm.NewWithPool(pool, &orm.Config{OnQuery: func(_ context.Context, e orm.QueryEvent) {
		if e.Model == "Product" && e.Action == orm.ActionFindUnique {
			s.productQueries.Add(1)
		}
	}}))
	return s, nil
}

// Client returns the generated client.
func (s *Store) Client() *db.Client {
	if s == nil {
		return nil
	}
	return s.client
}

// ProductQueries returns how many product reads reached PostgreSQL.
func (s *Store) ProductQueries() int64 { return s.productQueries.Load() }

// PutProduct stores a product and, the first time, its inventory of units.
// A product already stored keeps its inventory (a restarted process does
// not refill it).
func (s *Store) PutProduct(ctx context.Context, p Product, units int64) error {
	if s == nil {
		return errNoStore
	}
	price, err := parseCents(p.Price)
	if err != nil {
		return invalid("price", "%v", err)
	}
	if units < 0 || units > 1<<31-1 {
		return invalid("units", "must be between 0 and %d", 1<<31-1)
	}
	num := typed.MustNumeric(formatCents(price))
	return s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		if _, err := tx.Product.Upsert(ctx, &db.ProductUpsertArgs{
			Where:  db.ProductByID(p.ID),
			Create: []db.ProductSet{db.ProductFields.ID.Set(p.ID), db.ProductFields.Name.Set(p.Name), db.ProductFields.Price.Set(num)},
			Update: []db.ProductSet{db.ProductFields.Name.Set(p.Name), db.ProductFields.Price.Set(num)},
		}); err != nil {
			return err
		}
		_, err := tx.Inventory.CreateMany(ctx, &db.InventoryCreateManyArgs{SkipDuplicates: true, Data: [][]db.InventorySet{{
			db.InventoryFields.ProductID.Set(p.ID), db.InventoryFields.Initial.Set(int(units)), db.InventoryFields.Available.Set(int(units)),
		}}})
		return err
	}, nil)
}

// LoadProduct reads a product from PostgreSQL; a missing one is
// ErrUnknownProduct.
func (s *Store) LoadProduct(ctx context.Context, id string) (Product, error) {
	if s == nil {
		return Product{}, errNoStore
	}
	p, err := s.client.Product.FindUnique(ctx, db.ProductByID(id), nil)
	if err != nil {
		return Product{}, storeError("load product", err)
	}
	if p == nil {
		return Product{}, &Error{Status: 400, Code: CodeUnknownProduct, Field: "productId", Message: "no such product"}
	}
	return Product{ID: p.ID, Name: p.Name, Price: typed.NumericString(p.Price)}, nil
}

// parseCents parses a non-negative decimal with at most two decimals
// ("19.99", "5", "0.5") into hundredths.
func parseCents(s string) (int64, error) {
	if s == "" || len(s) > 16 {
		return 0, fmt.Errorf("%q is not a price", s)
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("%q is not a decimal with at most 2 decimals", s)
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%q is not a non-negative decimal", s)
			}
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// formatCents formats hundredths as a decimal with two decimals.
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
