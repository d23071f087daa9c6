package tenancy

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnsafeRole is wrapped by *UnsafeRoleError.
var ErrUnsafeRole = errors.New("tenancy: the database role could bypass row-level security")

// UnsafeRoleError lists why the connected role must not serve tenants.
type UnsafeRoleError struct {
	Role     string
	Problems []string
}

func (e *UnsafeRoleError) Error() string {
	return fmt.Sprintf("tenancy: refusing to run as role %q: %s", e.Role, strings.Join(e.Problems, "; "))
}

func (e *UnsafeRoleError) Unwrap() error { return ErrUnsafeRole }

// Querier is what CheckRole needs (a pool, a connection or a transaction).
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// roleCheckSQL reports, for the current role: superuser, BYPASSRLS, the
// superuser or BYPASSRLS roles it is a member of (it could SET ROLE to
// them), the tenant tables it owns or is a member of the owner of (it
// could ALTER them), the tenant tables missing, and those without
// ENABLE + FORCE row-level security or without the tenant policy.
const roleCheckSQL = `
WITH t AS (SELECT unnest($1::text[]) AS name),
c AS (
	SELECT t.name, cl.oid, cl.relowner, cl.relrowsecurity, cl.relforcerowsecurity
	FROM t LEFT JOIN pg_class cl ON cl.relname = t.name AND cl.relnamespace = 'public'::regnamespace AND cl.relkind = 'r'
)
SELECT
	current_user::text,
	r.rolsuper,
	r.rolbypassrls,
	coalesce((SELECT array_agg(o.rolname::text ORDER BY o.rolname) FROM pg_roles o
		WHERE o.oid <> r.oid AND (o.rolsuper OR o.rolbypassrls) AND pg_has_role(current_user, o.oid, 'MEMBER')), '{}'),
	coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM c WHERE c.oid IS NOT NULL AND pg_has_role(current_user, c.relowner, 'MEMBER')), '{}'),
	coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM c WHERE c.oid IS NULL), '{}'),
	coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM c WHERE c.oid IS NOT NULL AND NOT (c.relrowsecurity AND c.relforcerowsecurity)), '{}'),
	coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM c WHERE c.oid IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2)), '{}')
FROM pg_roles r WHERE r.rolname = current_user`

// CheckRole verifies that the connected role is subject to row-level
// security on every tenant table: not a superuser, not BYPASSRLS, not a
// member of such a role, not (a member of) the owner of a tenant table,
// and every tenant table has ENABLE and FORCE ROW LEVEL SECURITY and the
// tenant policy. Anything else returns an *UnsafeRoleError: the
// application refuses to start rather than serve tenants unprotected.
func CheckRole(ctx context.Context, q Querier) error {
	if isNil(q) {
		return fmt.Errorf("%w: CheckRole needs a connection", ErrInvalid)
	}
	names := make([]string, len(TenantTables))
	for i, t := range TenantTables {
		names[i] = t.Table
	}
	var (
		role                                         string
		super, bypass                                bool
		powerful, owned, missing, unforced, nopolicy []string
	)
	err := q.QueryRow(ctx, roleCheckSQL, names, PolicyName).Scan(&role, &super, &bypass, &powerful, &owned, &missing, &unforced, &nopolicy)
	if err != nil {
		return fmt.Errorf("tenancy: check role: %w", err)
	}
	e := &UnsafeRoleError{Role: role}
	if super {
		e.Problems = append(e.Problems, "it is a superuser")
	}
	if bypass {
		e.Problems = append(e.Problems, "it has BYPASSRLS")
	}
	if len(powerful) > 0 {
		e.Problems = append(e.Problems, "it is a member of superuser or BYPASSRLS roles "+strings.Join(powerful, ", "))
	}
	if len(owned) > 0 {
		e.Problems = append(e.Problems, "it owns (or is a member of the owner of) "+strings.Join(owned, ", "))
	}
	if len(missing) > 0 {
		e.Problems = append(e.Problems, "tables missing (run Setup): "+strings.Join(missing, ", "))
	}
	if len(unforced) > 0 {
		e.Problems = append(e.Problems, "row-level security not enabled and forced on "+strings.Join(unforced, ", "))
	}
	if len(nopolicy) > 0 {
		e.Problems = append(e.Problems, "policy "+PolicyName+" missing on "+strings.Join(nopolicy, ", "))
	}
	if len(e.Problems) > 0 {
		return e
	}
	return nil
}

// isNil reports whether q is nil or a nil pointer (a nil *pgxpool.Pool
// or *pgx.Conn in the interface).
func isNil(q Querier) bool {
	if q == nil {
		return true
	}
	v := reflect.ValueOf(q)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// IsPolicyViolation reports whether err is PostgreSQL refusing a row
// because of row-level security (SQLSTATE 42501, "new row violates
// row-level security policy"): a write naming another tenant.
func IsPolicyViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "42501"
}
