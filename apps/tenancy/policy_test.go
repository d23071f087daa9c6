package tenancy_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/postgres/orm"
)

// twoTenants provisions tenants A and B with one project each.
func twoTenants(t *testing.T, e *env) (a, b string, pa, pb int64) {
	t.Helper()
	ctx := context.Background()
	ta, _, err := e.store.CreateTenant(ctx, "A", db.PlanFree, "a@example.com")
	require.NoError(t, err)
	tb, _, err := e.store.CreateTenant(ctx, "B", db.PlanFree, "b@example.com")
	require.NoError(t, err)
	for _, x := range []struct {
		id string
		p  *int64
	}{{ta.ID, &pa}, {tb.ID, &pb}} {
		require.NoError(t, e.store.InTenant(ctx, x.id, func(ctx context.Context, tx *db.Client) error {
			p, err := tx.Project.Create(ctx, &db.ProjectCreateArgs{Data: []db.ProjectSet{db.ProjectFields.Name.Set("P")}})
			if err == nil {
				*x.p = p.ID
			}
			return err
		}, nil))
	}
	return ta.ID, tb.ID, pa, pb
}

// setTenantOnly is a client extension that sets the tenant for row-level
// security but adds no filter: application code that names tenant ids
// itself, wrongly.
func setTenantOnly(tenant string) *orm.Extension {
	return &orm.Extension{Name: "rlsOnly", TxSetup: func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", tenancy.TenantSetting, tenant)
		return err
	}}
}

// Inserts and updates naming another tenant's id are refused by WITH
// CHECK, through the client and through raw SQL, and change nothing.
func TestWithCheckRefusesForeignTenantWrites(t *testing.T) {
	e := newEnv(t, nil)
	a, b, pa, _ := twoTenants(t, e)
	ctx := context.Background()
	app, err := pgxpool.New(ctx, e.creds.AppURL)
	require.NoError(t, err)
	t.Cleanup(app.Close)
	loose := db.New(orm.NewWithPool(app, nil)).With(setTenantOnly(a))

	cases := map[string]func(ctx context.Context, tx *db.Client) error{
		"client create with the other tenant id": func(ctx context.Context, tx *db.Client) error {
			_, err := tx.Project.Create(ctx, &db.ProjectCreateArgs{Data: []db.ProjectSet{
				db.ProjectFields.TenantID.Set(b), db.ProjectFields.Name.Set("planted")}})
			return err
		},
		"client update moving a row to the other tenant": func(ctx context.Context, tx *db.Client) error {
			_, err := tx.Project.Update(ctx, &db.ProjectUpdateArgs{Where: db.ProjectByTenantIDID(a, pa),
				Data: []db.ProjectSet{db.ProjectFields.TenantID.Set(b)}})
			return err
		},
		"client createMany with the other tenant id": func(ctx context.Context, tx *db.Client) error {
			_, err := tx.Project.CreateMany(ctx, &db.ProjectCreateManyArgs{Data: [][]db.ProjectSet{
				{db.ProjectFields.TenantID.Set(b), db.ProjectFields.Name.Set("planted")}}})
			return err
		},
		"raw insert": func(ctx context.Context, tx *db.Client) error {
			_, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL("INSERT INTO projects (tenant_id, name) VALUES (?::uuid, 'planted')", b))
			return err
		},
		"raw update": func(ctx context.Context, tx *db.Client) error {
			_, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL("UPDATE projects SET tenant_id = ?::uuid", b))
			return err
		},
		"raw insert of a tenant row": func(ctx context.Context, tx *db.Client) error {
			_, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL("INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'x')"))
			return err
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			err := loose.Transaction(ctx, f, nil)
			require.Error(t, err)
			require.True(t, tenancy.IsPolicyViolation(err), "%v", err)
		})
	}
	// The scoped client of the store goes further: the tenant id it
	// writes is always its own, whatever the data says.
	require.NoError(t, e.store.InTenant(ctx, a, func(ctx context.Context, tx *db.Client) error {
		p, err := tx.Project.Create(ctx, &db.ProjectCreateArgs{Data: []db.ProjectSet{
			db.ProjectFields.TenantID.Set(b), db.ProjectFields.Name.Set("mine")}})
		require.NoError(t, err)
		require.Equal(t, a, p.TenantID)
		return nil
	}, nil))
	// Nothing reached B.
	var n int64
	require.NoError(t, e.admin.QueryRow(ctx, "SELECT count(*) FROM projects WHERE tenant_id = $1", b).Scan(&n))
	require.Equal(t, int64(1), n)
	require.NoError(t, e.admin.QueryRow(ctx, "SELECT count(*) FROM projects WHERE name = 'planted'").Scan(&n))
	require.Zero(t, n)
}

// Without a tenant the app role sees no row and can write none; after a
// tenant transaction the setting does not survive on the connection, and
// the next tenant on the same connection sees only its own rows.
func TestConnectionReuseAcrossTenants(t *testing.T) {
	e := newEnv(t, &tenancy.StoreConfig{MaxConns: 1, PerTenantConns: 1})
	a, b, pa, pb := twoTenants(t, e)
	ctx := context.Background()
	pool := e.store.Pool()

	var pids []int32
	see := func(tenant string, want int64) {
		require.NoError(t, e.store.InTenant(ctx, tenant, func(ctx context.Context, tx *db.Client) error {
			rows, err := orm.QueryRaw[projectRow](ctx, tx.DB(), orm.SQL("SELECT tenant_id::text AS tenant, id, name FROM projects"))
			require.NoError(t, err)
			require.Len(t, rows, 1)
			require.Equal(t, tenant, rows[0].Tenant)
			require.Equal(t, want, rows[0].ID)
			pid, err := orm.QueryRaw[int32](ctx, tx.DB(), orm.SQL("SELECT pg_backend_pid()"))
			require.NoError(t, err)
			pids = append(pids, pid[0])
			return nil
		}, nil))
	}
	unscoped := func() {
		var setting string
		var n int64
		require.NoError(t, pool.QueryRow(ctx, "SELECT current_setting($1, true), (SELECT count(*) FROM projects)", tenancy.TenantSetting).Scan(&setting, &n))
		require.Empty(t, setting, "the tenant setting leaked past its transaction")
		require.Zero(t, n)
		var pid int32
		require.NoError(t, pool.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid))
		pids = append(pids, pid)
		_, err := pool.Exec(ctx, "INSERT INTO projects (tenant_id, name) VALUES ($1, 'x')", a)
		require.True(t, tenancy.IsPolicyViolation(err), "%v", err)
	}
	for range 3 {
		see(a, pa)
		unscoped()
		see(b, pb)
		see(a, pa)
	}
	for _, p := range pids {
		require.Equal(t, pids[0], p, "one connection served every tenant")
	}
}
