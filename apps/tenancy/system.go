package tenancy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/redis/ratelimit"
)

// System is the multi-tenant SaaS as a reference system of `polystore
// demo` and `polystore serve`.
type System struct {
	// Tenants is how many tenants Setup seeds (default 8, at least 2); the
	// first one floods.
	Tenants int
	// FloodFactor is how many times its quota the flooding tenant sends in
	// Run (default 10).
	FloodFactor int

	env       *demo.Env
	roles     Roles
	dropRoles bool
	store     *Store
	reporter  *Reporter
	auth      *Auth
	records   *Records
	quota     *quotaLimiter
	svc       *Service
	tenants   []*demoTenant
	closeOnce sync.Once
}

// demoTenant is a seeded tenant and the credentials Run uses for it.
type demoTenant struct {
	ID, Name string
	UserID   int64
	Project  int64 // one of its projects (tasks go there)
	Task     int64 // one of its tasks (updated; attacked by others)
	APIKey   string

	Token   string // a valid JWT
	Revoked string // a JWT revoked before the load starts
	Forged  string // a JWT naming this tenant, signed with another key
}

// NewSystem returns the tenancy system for the demo registry.
func NewSystem() demo.System { return &System{} }

// Info implements demo.System.
func (s *System) Info() demo.Info {
	return demo.Info{
		Name:  "tenancy",
		Title: "Multi-tenant SaaS",
		Description: "Tenants isolated by PostgreSQL row-level security (forced, tenant set per transaction), " +
			"JWT and API-key credentials, per-tenant rate limits and connection caps, tenant-scoped MongoDB " +
			"documents; mixed traffic with a flooding tenant and deliberate cross-tenant attacks.",
		DefaultRate: 300,
	}
}

// Service is the running API (after Setup).
func (s *System) Service() *Service {
	if s == nil {
		return nil
	}
	return s.svc
}

// Roles are the database roles Setup created.
func (s *System) Roles() Roles {
	if s == nil {
		return Roles{}
	}
	return s.roles
}

var seedNames = []string{"floodco", "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne",
	"tyrell", "cyberdyne", "soylent", "aperture", "wonka", "oscorp", "gringotts", "monarch"}

func seedName(i int) string {
	if i < len(seedNames) {
		return seedNames[i]
	}
	return fmt.Sprintf("tenant%02d", i)
}

var nonRoleChars = regexp.MustCompile(`[^a-z0-9_]`)

// rolePrefix derives the role names from the database name: roles are
// shared by every database of a PostgreSQL cluster, so each database gets
// roles of its own.
func rolePrefix(dbName string) string {
	p := nonRoleChars.ReplaceAllString(strings.ToLower(dbName), "_")
	if p == "" || (p[0] >= '0' && p[0] <= '9') {
		p = "t_" + p
	}
	if len(p) > 48 {
		sum := sha256.Sum256([]byte(dbName))
		p = p[:39] + "_" + hex.EncodeToString(sum[:4])
	}
	return p
}

func databaseName(pgURL string) (string, error) {
	u, err := url.Parse(pgURL)
	if err != nil || strings.Trim(u.Path, "/") == "" {
		return "", fmt.Errorf("tenancy: the PostgreSQL URL names no database")
	}
	return strings.Trim(u.Path, "/"), nil
}

// Setup implements demo.System: it migrates, creates the roles (named
// after the database) with row-level security and the audited report,
// opens the store as the app role (which refuses to start if the role could
// bypass row-level security), and seeds the tenants with a user, a
// project, a task and an API key each. It is idempotent: on kept data it
// finds the seeded tenants through the audited report.
func (s *System) Setup(ctx context.Context, env *demo.Env) (err error) {
	if s == nil {
		return fmt.Errorf("%w: nil *System", ErrInvalid)
	}
	if env == nil || env.PG == nil || env.Redis == nil {
		return fmt.Errorf("%w: setup needs PostgreSQL and Redis", ErrInvalid)
	}
	if s.Tenants < 2 {
		s.Tenants = 8
	}
	if s.FloodFactor <= 0 {
		s.FloodFactor = 10
	}
	dbName, err := databaseName(env.PGURL)
	if err != nil {
		return err
	}
	s.env = env
	s.roles = RolesWithPrefix(rolePrefix(dbName))
	servePG, _, _ := demo.Names(env.Name, demo.ModeServe)
	// Roles live as long as the data: kept with serve's database, dropped
	// with any throwaway one.
	s.dropRoles = dbName != servePG
	defer func() {
		if err != nil {
			_ = s.Close(context.WithoutCancel(ctx))
		}
	}()
	creds, err := Setup(ctx, env.PGURL, s.roles)
	if err != nil {
		return err
	}
	if s.store, err = OpenStore(ctx, StoreConfig{URL: creds.AppURL, MaxConns: 12, PerTenantConns: 3}); err != nil {
		return err
	}
	if s.reporter, err = OpenReporter(ctx, creds.AdminURL); err != nil {
		return err
	}
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	if s.auth, err = NewAuth(env.Redis, s.store, AuthConfig{Secret: secret[:], Prefix: env.RedisPrefix + "revoke:"}); err != nil {
		return err
	}
	s.quota = &quotaLimiter{client: env.Redis, prefix: env.RedisPrefix + "rl:"}
	if err := s.quota.set(s.plan(s.Info().DefaultRate).quota); err != nil {
		return err
	}
	if env.Mongo != nil {
		if s.records, err = NewRecords(ctx, env.Mongo); err != nil {
			return err
		}
	}
	s.svc = &Service{Store: s.store, Auth: s.auth, Cache: NewCache(env.Redis, env.RedisPrefix+"cache:"),
		Limiter: s.quota, Records: s.records, Reporter: s.reporter, AdminToken: hex.EncodeToString(secret[:8]) + randomSecret(),
		Logger: env.Logger}
	return s.seed(ctx)
}

// seed creates the missing tenants and gives each a project, a task and a
// fresh API key.
func (s *System) seed(ctx context.Context) error {
	rep, err := s.reporter.TenantReport(ctx, "demo setup")
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, t := range rep {
		if _, dup := byName[t.Name]; !dup {
			byName[t.Name] = t.TenantID
		}
	}
	s.tenants = nil
	for i := range s.Tenants {
		name := seedName(i)
		dt := &demoTenant{Name: name, ID: byName[name]}
		if dt.ID == "" {
			plan := db.PlanPro
			if i == 0 {
				plan = db.PlanFree
			}
			t, u, err := s.store.CreateTenant(ctx, name, plan, "admin@"+name+".example")
			if err != nil {
				return fmt.Errorf("tenancy: seed %s: %w", name, err)
			}
			dt.ID, dt.UserID = t.ID, u.ID
		}
		err := s.store.InTenant(ctx, dt.ID, func(ctx context.Context, tx *db.Client) error {
			if dt.UserID == 0 {
				u, err := tx.User.FindFirst(ctx, &db.UserFindArgs{OrderBy: []db.UserOrder{db.UserFields.ID.Asc()}})
				if err != nil {
					return err
				}
				if u == nil {
					return fmt.Errorf("tenancy: seeded tenant %s has no user", name)
				}
				dt.UserID = u.ID
			}
			p, err := tx.Project.FindFirst(ctx, &db.ProjectFindArgs{OrderBy: []db.ProjectOrder{db.ProjectFields.ID.Asc()}})
			if err != nil {
				return err
			}
			if p == nil {
				if p, err = tx.Project.Create(ctx, &db.ProjectCreateArgs{Data: []db.ProjectSet{db.ProjectFields.Name.Set("onboarding")}}); err != nil {
					return err
				}
			}
			dt.Project = p.ID
			t, err := tx.Task.FindFirst(ctx, &db.TaskFindArgs{Where: []db.TaskCond{db.TaskFields.ProjectID.Equals(p.ID)},
				OrderBy: []db.TaskOrder{db.TaskFields.ID.Asc()}})
			if err != nil {
				return err
			}
			if t == nil {
				if t, err = tx.Task.Create(ctx, &db.TaskCreateArgs{Data: []db.TaskSet{
					db.TaskFields.ProjectID.Set(p.ID), db.TaskFields.Title.Set("invite the team")}}); err != nil {
					return err
				}
			}
			dt.Task = t.ID
			return nil
		}, nil)
		if err != nil {
			return fmt.Errorf("tenancy: seed %s: %w", name, err)
		}
		if dt.APIKey, err = s.auth.CreateAPIKey(ctx, Principal{TenantID: dt.ID, UserID: dt.UserID}); err != nil {
			return fmt.Errorf("tenancy: seed %s: %w", name, err)
		}
		if dt.Token, err = s.auth.IssueToken(Principal{TenantID: dt.ID, UserID: dt.UserID}); err != nil {
			return err
		}
		s.tenants = append(s.tenants, dt)
	}
	return nil
}

// Handler implements demo.System.
// Before Setup (or on a nil System) it answers 503.
func (s *System) Handler() http.Handler {
	if s == nil || s.svc == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "tenancy: not set up", http.StatusServiceUnavailable)
		})
	}
	return s.svc.Handler()
}

// Close implements demo.System: it closes the pools and, unless the data
// is serve's kept database, removes the roles Setup created (they are
// cluster-wide; the database itself is the runner's to drop).
func (s *System) Close(ctx context.Context) error {
	if s == nil {
		return nil
	}
	var err error
	s.closeOnce.Do(func() {
		if s.store != nil {
			s.store.Close()
		}
		if s.reporter != nil {
			s.reporter.Close()
		}
		if s.dropRoles && s.env != nil && s.env.PG != nil && s.roles.App != "" {
			err = dropRolesIn(ctx, s.env, s.roles)
		}
	})
	return err
}

// dropRolesIn removes what the roles own and were granted in the
// system's database, then the roles.
func dropRolesIn(ctx context.Context, env *demo.Env, r Roles) error {
	if err := r.validate(); err != nil {
		return err
	}
	var idents []string
	for _, n := range []string{r.App, r.Admin, r.Report} {
		var exists bool
		if err := env.PG.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", n).Scan(&exists); err != nil {
			return fmt.Errorf("tenancy: drop roles: %w", err)
		}
		if exists {
			idents = append(idents, `"`+n+`"`) // validated: [a-z_][a-z0-9_]*
		}
	}
	if len(idents) == 0 {
		return nil
	}
	list := strings.Join(idents, ", ")
	if _, err := env.PG.Exec(ctx, "DROP OWNED BY "+list); err != nil {
		return fmt.Errorf("tenancy: drop roles: %w", err)
	}
	if _, err := env.PG.Exec(ctx, "DROP ROLE IF EXISTS "+list); err != nil {
		return fmt.Errorf("tenancy: drop roles: %w", err)
	}
	return nil
}

// quotaLimiter is the per-tenant request quota; Run sets it from the
// demo's rate.
type quotaLimiter struct {
	client rueidis.Client
	prefix string
	cur    atomic.Pointer[ratelimit.Limiter]
	rate   atomic.Int64
}

func (q *quotaLimiter) set(perSecond int64) error {
	l, err := ratelimit.New(q.client, ratelimit.Config{Algorithm: ratelimit.GCRA,
		Limit: ratelimit.Limit{Rate: perSecond, Period: time.Second, Burst: perSecond}, Prefix: q.prefix})
	if err != nil {
		return err
	}
	q.cur.Store(l)
	q.rate.Store(perSecond)
	return nil
}

// Allow implements ratelimit.Checker.
func (q *quotaLimiter) Allow(ctx context.Context, key string, opts *ratelimit.AllowOpts) (ratelimit.Result, error) {
	return q.cur.Load().Allow(ctx, key, opts)
}
