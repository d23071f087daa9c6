package tenancy

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TenantReport is one tenant's line of the admin report: aggregates only,
// never rows.
type TenantReport struct {
	TenantID  string `json:"tenantId"`
	Name      string `json:"name"`
	Plan      string `json:"plan"`
	Users     int64  `json:"users"`
	Projects  int64  `json:"projects"`
	Tasks     int64  `json:"tasks"`
	TasksDone int64  `json:"tasksDone"`
	Invoiced  string `json:"invoiced"` // exact decimal
	Paid      string `json:"paid"`
}

// Reporter runs the cross-tenant admin report as the admin role, whose
// only privilege is EXECUTE on the report function (Setup).
type Reporter struct {
	pool *pgxpool.Pool
}

// OpenReporter connects with Credentials.AdminURL.
func OpenReporter(ctx context.Context, adminRoleURL string) (*Reporter, error) {
	pool, err := pgxpool.New(ctx, adminRoleURL)
	if err != nil {
		return nil, fmt.Errorf("tenancy: reporter: %w", err)
	}
	return &Reporter{pool: pool}, nil
}

// Close closes the pool.
func (r *Reporter) Close() {
	if r != nil {
		r.pool.Close()
	}
}

// ErrActor reports a missing or over-long actor name.
var ErrActor = errors.New("tenancy: the report needs an actor of 1 to 200 characters")

// TenantReport returns every tenant's aggregates; the call is recorded
// with actor in the audit table, in the same transaction, before the data
// is read.
func (r *Reporter) TenantReport(ctx context.Context, actor string) ([]TenantReport, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil *Reporter", ErrInvalid)
	}
	if actor == "" || len(actor) > 200 {
		return nil, ErrActor
	}
	rows, err := r.pool.Query(ctx, `SELECT tenant_id::text, tenant_name, plan, users, projects, tasks, tasks_done,
		invoiced::text, paid::text FROM `+ReportFunction+`($1)`, actor)
	if err != nil {
		return nil, fmt.Errorf("tenancy: report: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (TenantReport, error) {
		var t TenantReport
		err := row.Scan(&t.TenantID, &t.Name, &t.Plan, &t.Users, &t.Projects, &t.Tasks, &t.TasksDone, &t.Invoiced, &t.Paid)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("tenancy: report: %w", err)
	}
	return out, nil
}
