package tenancy_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/apps/tenancy/db"
)

// The admin report sees every tenant's aggregates through the audited
// function only: the admin role cannot read a table, the app role cannot
// call the function, and each call leaves an audit row.
func TestAdminReportIsAuditedAndNarrow(t *testing.T) {
	e := newEnv(t, nil)
	a, b, _, _ := twoTenants(t, e)
	ctx := context.Background()
	require.NoError(t, e.store.InTenant(ctx, a, func(ctx context.Context, tx *db.Client) error {
		_, err := tx.Invoice.Create(ctx, &db.InvoiceCreateArgs{Data: []db.InvoiceSet{
			db.InvoiceFields.Number.Set("A-1"), db.InvoiceFields.Amount.Set(dec(t, "1234.56")), db.InvoiceFields.Status.Set(db.InvoiceStatusPaid)}})
		return err
	}, nil))

	r, err := tenancy.OpenReporter(ctx, e.creds.AdminURL)
	require.NoError(t, err)
	t.Cleanup(r.Close)
	rep, err := r.TenantReport(ctx, "ops@example.com")
	require.NoError(t, err)
	require.Len(t, rep, 2)
	byID := map[string]tenancy.TenantReport{rep[0].TenantID: rep[0], rep[1].TenantID: rep[1]}
	require.Equal(t, "1234.56", byID[a].Invoiced)
	require.Equal(t, "1234.56", byID[a].Paid)
	require.Equal(t, "0", byID[b].Invoiced)
	require.Equal(t, int64(1), byID[a].Projects)
	require.Equal(t, int64(1), byID[b].Users)

	var n int64
	var actor string
	require.NoError(t, e.admin.QueryRow(ctx, "SELECT count(*), max(actor), max(tenants) FROM "+tenancy.AuditSchema+".admin_reports").Scan(&n, &actor, new(int64)))
	require.Equal(t, int64(1), n)
	require.Equal(t, "ops@example.com", actor)

	_, err = r.TenantReport(ctx, "")
	require.ErrorIs(t, err, tenancy.ErrActor)

	// The admin role reads no table directly.
	_, err = r.TenantReport(ctx, "x")
	require.NoError(t, err)
	adminRole, err := pgxpool.New(ctx, e.creds.AdminURL)
	require.NoError(t, err)
	t.Cleanup(adminRole.Close)
	for _, q := range []string{"SELECT count(*) FROM public.tenants", "SELECT count(*) FROM public.invoices", "SELECT count(*) FROM " + tenancy.AuditSchema + ".admin_reports"} {
		_, err = adminRole.Exec(ctx, q)
		require.ErrorContains(t, err, "permission denied", q)
	}
	// Nor can the app role call the report.
	_, err = e.store.Pool().Exec(ctx, "SELECT * FROM "+tenancy.ReportFunction+"('intruder')")
	require.ErrorContains(t, err, "permission denied")
	var cnt int64
	err = e.admin.QueryRow(ctx, "SELECT count(*) FROM "+tenancy.AuditSchema+".admin_reports WHERE actor = 'intruder'").Scan(&cnt)
	require.NoError(t, err)
	require.Zero(t, cnt)
}

func dec(t testing.TB, s string) pgtype.Numeric {
	t.Helper()
	var n pgtype.Numeric
	require.NoError(t, n.Scan(s))
	return n
}
