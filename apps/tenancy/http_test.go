package tenancy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/ratelimit"
)

// api is a running Service over real servers.
type api struct {
	*env
	svc *tenancy.Service
	srv *httptest.Server

	mu  sync.Mutex
	sql map[string]bool // statements seen (OnQuery)
}

const adminToken = "admin-token-for-tests-0123456789"

func newAPI(t testing.TB, rate int64) *api {
	t.Helper()
	a := &api{sql: map[string]bool{}}
	a.env = newEnv(t, &tenancy.StoreConfig{MaxConns: 8, OnQuery: func(_ context.Context, e orm.QueryEvent) {
		a.mu.Lock()
		a.sql[e.SQL] = true
		a.mu.Unlock()
	}})
	ctx := context.Background()
	ns := devenv.Redis(t)
	auth, err := tenancy.NewAuth(ns.Client, a.store, tenancy.AuthConfig{Secret: []byte(strings.Repeat("k", 32)), Prefix: ns.Prefix + "revoke:"})
	require.NoError(t, err)
	lim, err := ratelimit.New(ns.Client, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.Limit{Rate: rate, Period: time.Second, Burst: rate}, Prefix: ns.Prefix + "rl:"})
	require.NoError(t, err)
	recs, err := tenancy.NewRecords(ctx, devenv.Mongo(t))
	require.NoError(t, err)
	rep, err := tenancy.OpenReporter(ctx, a.creds.AdminURL)
	require.NoError(t, err)
	t.Cleanup(rep.Close)
	a.svc = &tenancy.Service{Store: a.store, Auth: auth, Cache: tenancy.NewCache(ns.Client, ns.Prefix+"cache:"),
		Limiter: lim, Records: recs, Reporter: rep, AdminToken: adminToken}
	a.srv = httptest.NewServer(a.svc.Handler())
	t.Cleanup(a.srv.Close)
	return a
}

func (a *api) statements() map[string]bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]bool, len(a.sql))
	for k := range a.sql {
		out[k] = true
	}
	return out
}

// call sends a request with an Authorization header ("" for none) and
// decodes a JSON answer into out (when non-nil); it returns the status.
func (a *api) call(t testing.TB, method, path, auth string, body any, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	if out != nil && res.StatusCode < 300 {
		require.NoError(t, json.NewDecoder(res.Body).Decode(out))
	}
	if res.StatusCode >= 400 {
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&e), "errors are JSON")
		require.NotEmpty(t, e.Error.Code)
	}
	return res.StatusCode
}

type signedUp struct {
	TenantID string `json:"tenantId"`
	UserID   int64  `json:"userId"`
	Token    string `json:"token"`
	APIKey   string `json:"apiKey"`
}

func (a *api) signup(t testing.TB, name string) signedUp {
	t.Helper()
	var s signedUp
	require.Equal(t, http.StatusCreated, a.call(t, "POST", "/api/signup", "", map[string]string{"name": name, "email": name + "@example.com", "plan": "PRO"}, &s))
	return s
}

func TestHTTPTenantFlow(t *testing.T) {
	a := newAPI(t, 1000)
	acme, globex := a.signup(t, "acme"), a.signup(t, "globex")
	bearer := func(s signedUp) string { return "Bearer " + s.Token }

	var me map[string]any
	require.Equal(t, 200, a.call(t, "GET", "/api/me", "ApiKey "+acme.APIKey, nil, &me))
	require.Equal(t, acme.TenantID, me["tenantId"])
	require.Equal(t, "apikey", me["method"])

	var p struct {
		ID       int64  `json:"id"`
		TenantID string `json:"tenantId"`
	}
	require.Equal(t, 201, a.call(t, "POST", "/api/projects", bearer(acme), map[string]string{"name": "Rocket"}, &p))
	require.Equal(t, acme.TenantID, p.TenantID)
	require.Equal(t, 201, a.call(t, "POST", "/api/tasks", bearer(acme), map[string]any{"projectId": p.ID, "title": "launch"}, nil))
	// globex cannot hang a task on acme's project: the composite foreign
	// key (tenant_id, project_id) finds no such project of globex.
	require.Equal(t, 409, a.call(t, "POST", "/api/tasks", bearer(globex), map[string]any{"projectId": p.ID, "title": "x"}, nil))
	require.Equal(t, 201, a.call(t, "POST", "/api/invoices", bearer(acme), map[string]string{"number": "INV-1", "amount": "1999.99"}, nil))
	require.Equal(t, 400, a.call(t, "POST", "/api/invoices", bearer(acme), map[string]string{"number": "INV-2", "amount": "1e9"}, nil))

	var ps []map[string]any
	require.Equal(t, 200, a.call(t, "GET", "/api/projects", bearer(acme), nil, &ps))
	require.Len(t, ps, 1)
	require.Equal(t, 200, a.call(t, "GET", "/api/projects", bearer(globex), nil, &ps))
	require.Empty(t, ps)
	var inv struct {
		Invoices []map[string]any `json:"invoices"`
		Total    json.Number      `json:"total"`
	}
	require.Equal(t, 200, a.call(t, "GET", "/api/invoices", bearer(acme), nil, &inv))
	require.Len(t, inv.Invoices, 1)
	require.Equal(t, "1999.99", inv.Total.String())

	// Tenant ids in paths: own 200, other 403, malformed 400.
	require.Equal(t, 200, a.call(t, "GET", "/api/tenants/"+acme.TenantID, bearer(acme), nil, nil))
	require.Equal(t, 403, a.call(t, "GET", "/api/tenants/"+globex.TenantID, bearer(acme), nil, nil))
	require.Equal(t, 400, a.call(t, "GET", "/api/tenants/not-a-uuid", bearer(acme), nil, nil))
	// Updating another tenant's task by id: not found.
	require.Equal(t, 404, a.call(t, "PATCH", "/api/tasks/1", bearer(globex), map[string]string{"status": "DONE"}, nil))
	require.Equal(t, 400, a.call(t, "PATCH", "/api/tasks/1", bearer(acme), map[string]string{"status": "bogus"}, nil))

	// Records (MongoDB) with custom fields.
	require.Equal(t, 201, a.call(t, "POST", "/api/records", bearer(acme), map[string]any{"collection": "leads",
		"data": map[string]any{"status": "new"}, "customFields": map[string]any{"source": "web"}}, nil))
	require.Equal(t, 400, a.call(t, "POST", "/api/records", bearer(acme), map[string]any{"customFields": map[string]any{"$gt": 1}}, nil))
	require.Equal(t, 400, a.call(t, "POST", "/api/records", bearer(acme), map[string]any{"data": map[string]any{"a": map[string]any{"$where": "1"}}}, nil))
	var recs []map[string]any
	require.Equal(t, 200, a.call(t, "GET", "/api/records?collection=leads&field=source&value=web", bearer(globex), nil, &recs))
	require.Empty(t, recs)
	require.Equal(t, 200, a.call(t, "GET", "/api/records?collection=leads&field=source&value=web", bearer(acme), nil, &recs))
	require.Len(t, recs, 1)

	// No credential, a bad one, another scheme: 401.
	require.Equal(t, 401, a.call(t, "GET", "/api/projects", "", nil, nil))
	require.Equal(t, 401, a.call(t, "GET", "/api/projects", "Bearer x.y.z", nil, nil))
	require.Equal(t, 401, a.call(t, "GET", "/api/projects", "Basic YTpi", nil, nil))
	// A key with its last character changed (to one it does not already have).
	last := "A"
	if strings.HasSuffix(acme.APIKey, last) {
		last = "B"
	}
	require.Equal(t, 401, a.call(t, "GET", "/api/projects", "ApiKey "+acme.APIKey[:len(acme.APIKey)-1]+last, nil, nil))

	// A revoked token is refused by the very next request.
	require.Equal(t, 204, a.call(t, "POST", "/api/logout", bearer(acme), nil, nil))
	require.Equal(t, 401, a.call(t, "GET", "/api/me", bearer(acme), nil, nil))
	require.Equal(t, 200, a.call(t, "GET", "/api/me", bearer(globex), nil, nil))

	// The admin report: token required, audited.
	require.Equal(t, 401, a.call(t, "GET", "/api/admin/report", "", nil, nil))
	req, _ := http.NewRequest("GET", a.srv.URL+"/api/admin/report", nil)
	req.Header.Set("X-Admin-Token", adminToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var rep []tenancy.TenantReport
	require.NoError(t, json.NewDecoder(res.Body).Decode(&rep))
	res.Body.Close()
	require.Len(t, rep, 2)

	require.Zero(t, a.svc.ForeignRows.Load())
}

// The project list is cached per tenant; creating a project clears the
// tenant's cache in O(1), so the next read sees it.
func TestHTTPProjectCache(t *testing.T) {
	a := newAPI(t, 1000)
	s := a.signup(t, "cached")
	get := func() (int, string) {
		req, _ := http.NewRequest("GET", a.srv.URL+"/api/projects", nil)
		req.Header.Set("Authorization", "Bearer "+s.Token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var ps []map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&ps))
		return len(ps), res.Header.Get("X-Cache")
	}
	n, c := get()
	require.Equal(t, 0, n)
	require.Equal(t, "miss", c)
	n, c = get()
	require.Equal(t, 0, n)
	require.Equal(t, "hit", c)
	require.Equal(t, 201, a.call(t, "POST", "/api/projects", "Bearer "+s.Token, map[string]string{"name": "new"}, nil))
	n, c = get()
	require.Equal(t, 1, n)
	require.Equal(t, "miss", c)
}

// One tenant over its quota gets 429; another tenant is unaffected.
func TestHTTPPerTenantRateLimit(t *testing.T) {
	a := newAPI(t, 5)
	noisy, quiet := a.signup(t, "noisy"), a.signup(t, "quiet")
	limited := 0
	for range 30 {
		if a.call(t, "GET", "/api/me", "Bearer "+noisy.Token, nil, nil) == http.StatusTooManyRequests {
			limited++
		}
	}
	require.GreaterOrEqual(t, limited, 20, "30 requests in well under a second against 5/s with burst 5")
	require.Equal(t, 200, a.call(t, "GET", "/api/me", "Bearer "+quiet.Token, nil, nil))
}
