package tenancy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Roles names the three database roles of the system.
type Roles struct {
	// App is the role every tenant request runs as: LOGIN, not the owner
	// of any table, not a superuser, not BYPASSRLS. Row-level security
	// applies to everything it does.
	App string
	// Admin is the role of the cross-tenant admin report: LOGIN, no table
	// privileges at all, only EXECUTE on the audited report function.
	Admin string
	// Report owns the report function (SECURITY DEFINER): NOLOGIN,
	// BYPASSRLS, SELECT on the tenant tables and INSERT on the audit
	// table. Nobody logs in as it.
	Report string
}

// DefaultRoles are the role names Setup uses when given none.
var DefaultRoles = Roles{App: "tenancy_app", Admin: "tenancy_admin", Report: "tenancy_report"}

// RolesWithPrefix returns role names prefix_app, prefix_admin and
// prefix_report (tests give each run its own roles: roles are shared by
// every database of a cluster).
func RolesWithPrefix(prefix string) Roles {
	return Roles{App: prefix + "_app", Admin: prefix + "_admin", Report: prefix + "_report"}
}

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func (r Roles) validate() error {
	for _, n := range []string{r.App, r.Admin, r.Report} {
		if !roleName.MatchString(n) {
			return fmt.Errorf("%w: role name %q must match %s", ErrSetup, n, roleName)
		}
	}
	if r.App == r.Admin || r.App == r.Report || r.Admin == r.Report {
		return fmt.Errorf("%w: the three roles must differ: %+v", ErrSetup, r)
	}
	return nil
}

// ErrSetup reports a bad Setup argument.
var ErrSetup = errors.New("tenancy: setup")

// Credentials are the connection URLs Setup prepared.
type Credentials struct {
	// AppURL connects as Roles.App to the database Setup ran on.
	AppURL string
	// AdminURL connects as Roles.Admin.
	AdminURL string
}

// Setup prepares a database: it migrates the tables to schema.prisma,
// creates (or resets) the three roles with fresh random passwords, enables
// and forces row-level security with the tenant policy on every tenant
// table, grants the app role only row access, and installs the audited
// cross-tenant report. It runs as adminURL's user, which must be a
// superuser (BYPASSRLS can only be granted by one). It is idempotent.
func Setup(ctx context.Context, adminURL string, roles Roles) (*Credentials, error) {
	if err := roles.validate(); err != nil {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("tenancy: setup: %w", err)
	}
	defer pool.Close()
	if err := Migrate(ctx, pool); err != nil {
		return nil, err
	}
	creds := &Credentials{}
	for _, r := range []struct {
		name, attrs string
		url         *string
	}{
		{roles.App, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT", &creds.AppURL},
		{roles.Admin, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT", &creds.AdminURL},
		{roles.Report, "NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION", nil},
	} {
		pw := ""
		if r.url != nil {
			pw = randomSecret()
			if *r.url, err = withUser(adminURL, r.name, pw); err != nil {
				return nil, err
			}
		}
		if err := ensureRole(ctx, pool, r.name, r.attrs, pw); err != nil {
			return nil, err
		}
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, stmt := range securityStatements(roles) {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("tenancy: setup: %w\n%s", err, stmt)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return creds, nil
}

// ensureRole creates the role or resets its attributes and password. The
// name is a validated identifier; the password is quoted by the server
// (format %L), never spliced in by the client.
func ensureRole(ctx context.Context, pool *pgxpool.Pool, name, attrs, password string) error {
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("tenancy: setup role %s: %w", name, err)
	}
	verb := "ALTER"
	if !exists {
		verb = "CREATE"
	}
	var stmt string
	err := pool.QueryRow(ctx, "SELECT format('%s ROLE %I WITH '||$3||' PASSWORD %L', $1::text, $2::text, NULLIF($4::text, ''))",
		verb, name, attrs, password).Scan(&stmt)
	if err != nil {
		return fmt.Errorf("tenancy: setup role %s: %w", name, err)
	}
	if _, err := pool.Exec(ctx, stmt); err != nil {
		var again bool
		// Two setups racing to create the role: the loser alters it.
		if verb == "CREATE" && pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", name).Scan(&again) == nil && again {
			return ensureRole(ctx, pool, name, attrs, password)
		}
		return fmt.Errorf("tenancy: setup role %s: %w", name, err)
	}
	return nil
}

// DropRoles removes the roles Setup created, after the databases they
// have objects or privileges in were dropped (or cleaned with DROP OWNED).
func DropRoles(ctx context.Context, adminURL string, roles Roles) error {
	if err := roles.validate(); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("tenancy: drop roles: %w", err)
	}
	defer conn.Close(ctx)
	var errs []error
	for _, n := range []string{roles.App, roles.Admin, roles.Report} {
		if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{n}.Sanitize()); err != nil {
			errs = append(errs, fmt.Errorf("tenancy: drop role %s: %w", n, err))
		}
	}
	return errors.Join(errs...)
}

func withUser(rawURL, user, password string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("%w: the admin connection must be a postgres:// URL", ErrSetup)
	}
	u.User = url.UserPassword(user, password)
	return u.String(), nil
}

func randomSecret() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
