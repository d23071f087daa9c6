package tenancy_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/devenv"
)

// The application refuses to start as any role row-level security would
// not bind, and starts as the app role Setup made.
func TestOpenStoreRefusesUnsafeRoles(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	open := func(u string) error {
		s, err := tenancy.OpenStore(ctx, tenancy.StoreConfig{URL: u, MaxConns: 2})
		if err == nil {
			s.Close()
		}
		return err
	}
	refused := func(t *testing.T, u, want string) {
		t.Helper()
		err := open(u)
		require.ErrorIs(t, err, tenancy.ErrUnsafeRole)
		var ue *tenancy.UnsafeRoleError
		require.ErrorAs(t, err, &ue)
		require.Contains(t, ue.Error(), want)
	}
	require.NoError(t, open(e.creds.AppURL))

	t.Run("superuser owner", func(t *testing.T) {
		refused(t, e.adminURL, "superuser")
	})
	// Extra roles for this test, dropped at the end (after their grants).
	mk := func(t *testing.T, attrs string) string {
		name := devenv.UniqueName("tt_x_")
		_, err := e.admin.Exec(ctx, "CREATE ROLE "+pgx.Identifier{name}.Sanitize()+" "+attrs)
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = e.admin.Exec(ctx, "DROP OWNED BY "+pgx.Identifier{name}.Sanitize())
			_, _ = e.admin.Exec(ctx, "DROP ROLE "+pgx.Identifier{name}.Sanitize())
		})
		_, err = e.admin.Exec(ctx, "GRANT USAGE ON SCHEMA public TO "+pgx.Identifier{name}.Sanitize())
		require.NoError(t, err)
		return name
	}
	t.Run("bypassrls", func(t *testing.T) {
		refused(t, urlAs(t, e.adminURL, mk(t, "LOGIN BYPASSRLS"), ""), "BYPASSRLS")
	})
	t.Run("member of a bypassrls role", func(t *testing.T) {
		strong := mk(t, "NOLOGIN BYPASSRLS")
		weak := mk(t, "LOGIN")
		_, err := e.admin.Exec(ctx, "GRANT "+pgx.Identifier{strong}.Sanitize()+" TO "+pgx.Identifier{weak}.Sanitize())
		require.NoError(t, err)
		refused(t, urlAs(t, e.adminURL, weak, ""), "member of superuser or BYPASSRLS roles "+strong)
	})
	t.Run("table owner", func(t *testing.T) {
		owner := mk(t, "LOGIN")
		_, err := e.admin.Exec(ctx, "ALTER TABLE tasks OWNER TO "+pgx.Identifier{owner}.Sanitize())
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = e.admin.Exec(ctx, "ALTER TABLE tasks OWNER TO CURRENT_USER") })
		refused(t, urlAs(t, e.adminURL, owner, ""), "owns (or is a member of the owner of) tasks")
	})
	t.Run("row level security not forced", func(t *testing.T) {
		_, err := e.admin.Exec(ctx, "ALTER TABLE invoices NO FORCE ROW LEVEL SECURITY")
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = e.admin.Exec(ctx, "ALTER TABLE invoices FORCE ROW LEVEL SECURITY") })
		refused(t, e.creds.AppURL, "not enabled and forced on invoices")
	})
	t.Run("policy dropped", func(t *testing.T) {
		_, err := e.admin.Exec(ctx, "DROP POLICY "+tenancy.PolicyName+" ON projects")
		require.NoError(t, err)
		refused(t, e.creds.AppURL, "missing on projects")
	})
	t.Run("setup is idempotent and restores", func(t *testing.T) {
		creds, err := tenancy.Setup(ctx, e.adminURL, e.roles)
		require.NoError(t, err)
		require.NoError(t, open(creds.AppURL))
	})
}
