package tenancy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/postgres/orm"
)

// ErrInvalidTenant reports a tenant id that is not a canonical UUID.
var ErrInvalidTenant = errors.New("tenancy: invalid tenant id")

// ErrInvalid reports a nil argument or receiver: a nil database, pool,
// connection, client or callback, or a method called on a nil *Store,
// *Auth, *Cache, *Gate, *Records, *Reporter or *System.
var ErrInvalid = errors.New("tenancy: invalid argument")

// TenantField is the field every tenant model carries.
const TenantField = "tenantId"

// ParseTenantID checks that s is a canonical lower-case UUID (the form
// the database returns), so a tenant id never reaches set_config in any
// other shape.
func ParseTenantID(s string) (string, error) {
	u, err := uuid.Parse(s)
	if err != nil || u.String() != s {
		return "", fmt.Errorf("%w: %.40q", ErrInvalidTenant, s)
	}
	return s, nil
}

// StoreConfig configures a Store.
type StoreConfig struct {
	// URL connects as the app role (Credentials.AppURL).
	URL string
	// MaxConns is the size of the one shared pool (default 16).
	MaxConns int32
	// PerTenantConns caps the connections one tenant holds at once
	// (default MaxConns/4, at least 1).
	PerTenantConns int
	// MaxWait bounds the wait for a tenant slot (default 2s; past it the
	// operation fails with ErrTenantBusy), and then for a pooled
	// connection (past it: orm's P2024 pool timeout).
	MaxWait time.Duration
	// OnQuery, when set, receives every statement (orm.Config.OnQuery).
	OnQuery func(context.Context, orm.QueryEvent)
}

// Store runs tenant work on one shared pool as the app role.
type Store struct {
	client  *db.Client
	gate    *Gate
	maxWait time.Duration
}

// OpenStore connects and runs CheckRole: it refuses (with an
// *UnsafeRoleError) to serve tenants as a role that row-level security
// would not bind.
func OpenStore(ctx context.Context, cfg StoreConfig) (*Store, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("tenancy: store: %w", err)
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 16
	}
	pc.MaxConns = cfg.MaxConns
	if cfg.PerTenantConns <= 0 {
		cfg.PerTenantConns = max(int(cfg.MaxConns)/4, 1)
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 2 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("tenancy: store: %w", err)
	}
	if err := CheckRole(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	c := db.New(orm.NewWithPool(pool, &orm.Config{PoolTimeout: cfg.MaxWait, OnQuery: cfg.OnQuery}))
	return &Store{client: c, gate: NewGate(cfg.PerTenantConns, cfg.MaxWait), maxWait: cfg.MaxWait}, nil
}

// Close closes the pool.
func (s *Store) Close() {
	if s == nil {
		return
	}
	s.client.Close()
	s.client.ORM().Pool().Close()
}

// Gate is the per-tenant connection cap.
func (s *Store) Gate() *Gate {
	if s == nil {
		return nil
	}
	return s.gate
}

// Pool is the shared pool.
func (s *Store) Pool() *pgxpool.Pool {
	if s == nil {
		return nil
	}
	return s.client.ORM().Pool()
}

// InTenant runs fn in one transaction of tenant: the transaction starts
// with set_config('app.current_tenant', tenant, true) (orm.Tenant's
// TxSetup, a bind parameter, local to the transaction so it never leaks
// to the next user of the connection), and the client fn receives adds
// tenantId = tenant to every query and created row, so the planner uses
// the tenant indexes. Row-level security holds even if fn forgets a
// filter or runs raw SQL through tx. The tenant holds one of its capped
// slots of the shared pool meanwhile.
func (s *Store) InTenant(ctx context.Context, tenant string, fn func(ctx context.Context, tx *db.Client) error, opts *orm.TxOpts) error {
	if s == nil {
		return fmt.Errorf("%w: nil *Store", ErrInvalid)
	}
	if fn == nil {
		return fmt.Errorf("%w: nil transaction function", ErrInvalid)
	}
	if _, err := ParseTenantID(tenant); err != nil {
		return err
	}
	if fn == nil {
		return errors.New("tenancy: InTenant needs a function")
	}
	release, err := s.gate.Acquire(ctx, tenant)
	if err != nil {
		return err
	}
	defer release()
	if opts == nil {
		opts = &orm.TxOpts{MaxWait: s.maxWait}
	} else if opts.MaxWait == 0 {
		o := *opts
		o.MaxWait = s.maxWait
		opts = &o
	}
	return s.client.With(orm.Tenant(TenantField, tenant)).Transaction(ctx, fn, opts)
}

// CreateTenant provisions a tenant and its first (admin) user. The rows
// are written as the app role inside the new tenant's own context: the
// policies' WITH CHECK admits exactly the new tenant id.
func (s *Store) CreateTenant(ctx context.Context, name string, plan db.Plan, adminEmail string) (*db.Tenant, *db.User, error) {
	if s == nil {
		return nil, nil, fmt.Errorf("%w: nil *Store", ErrInvalid)
	}
	id := uuid.NewString()
	var (
		t *db.Tenant
		u *db.User
	)
	err := s.InTenant(ctx, id, func(ctx context.Context, tx *db.Client) error {
		var err error
		t, err = tx.Tenant.Create(ctx, &db.TenantCreateArgs{Data: []db.TenantSet{
			db.TenantFields.ID.Set(id), db.TenantFields.Name.Set(name), db.TenantFields.Plan.Set(plan)}})
		if err != nil {
			return err
		}
		u, err = tx.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{
			db.UserFields.Email.Set(adminEmail), db.UserFields.Name.Set(name + " admin"), db.UserFields.Role.Set(db.RoleAdmin)}})
		return err
	}, nil)
	if err != nil {
		return nil, nil, err
	}
	return t, u, nil
}

// readOnly runs a tenant transaction READ ONLY.
var readOnly = orm.TxOpts{ReadOnly: true}
