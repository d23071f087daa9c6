package tenancy_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/devenv"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// env is a prepared database: the admin (owner, superuser) pool, the
// credentials of the roles Setup created, and a Store as the app role.
type env struct {
	adminURL string
	admin    *pgxpool.Pool
	roles    tenancy.Roles
	creds    *tenancy.Credentials
	store    *tenancy.Store
}

// newEnv runs Setup on a fresh database with roles of its own.
func newEnv(t testing.TB, cfg *tenancy.StoreConfig) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	roles := tenancy.RolesWithPrefix(devenv.UniqueName("tt_"))
	srv := devenv.PostgresServer(t)
	// Registered first so it runs last: after the database is dropped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		require.NoError(t, tenancy.DropRoles(ctx, srv.URL, roles))
	})
	u := devenv.PostgresURL(t)
	creds, err := tenancy.Setup(ctx, u, roles)
	require.NoError(t, err)
	admin, err := pgxpool.New(ctx, u)
	require.NoError(t, err)
	t.Cleanup(admin.Close)
	sc := tenancy.StoreConfig{}
	if cfg != nil {
		sc = *cfg
	}
	sc.URL = creds.AppURL
	store, err := tenancy.OpenStore(ctx, sc)
	require.NoError(t, err)
	t.Cleanup(store.Close)
	return &env{adminURL: u, admin: admin, roles: roles, creds: creds, store: store}
}

// urlAs returns the database URL logging in as role (trust or the given
// password).
func urlAs(t testing.TB, base, role, password string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	if password != "" {
		u.User = url.UserPassword(role, password)
	} else {
		u.User = url.User(role)
	}
	return u.String()
}
