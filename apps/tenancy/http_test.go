package tenancy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
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
	ns := devenv.Redis(t)
	return newAPIOn(t, rate, ns.Client, ns.Prefix)
}

// newAPIOn is newAPI on the given Redis client, its keys under prefix.
func newAPIOn(t testing.TB, rate int64, client rueidis.Client, prefix string) *api {
	t.Helper()
	a := &api{sql: map[string]bool{}}
	a.env = newEnv(t, &tenancy.StoreConfig{MaxConns: 8, OnQuery: func(_ context.Context, e orm.QueryEvent) {
		a.mu.Lock()
		a.sql[e.SQL] = true
		a.mu.Unlock()
	}})
	ctx := context.Background()
	auth, err := tenancy.NewAuth(client, a.store, tenancy.AuthConfig{Secret: []byte(strings.Repeat("k", 32)), Prefix: prefix + "revoke:"})
	require.NoError(t, err)
	lim, err := ratelimit.New(client, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.Limit{Rate: rate, Period: time.Second, Burst: rate}, Prefix: prefix + "rl:"})
	require.NoError(t, err)
	recs, err := tenancy.NewRecords(ctx, devenv.Mongo(t))
	require.NoError(t, err)
	rep, err := tenancy.OpenReporter(ctx, a.creds.AdminURL)
	require.NoError(t, err)
	t.Cleanup(rep.Close)
	a.svc = &tenancy.Service{Store: a.store, Auth: auth, Cache: tenancy.NewCache(client, prefix+"cache:"),
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
	var b []byte
	if body != nil {
		var err error
		b, err = json.Marshal(body)
		require.NoError(t, err)
	}
	code, _ := a.send(t, method, path, auth, b, out)
	return code
}

// apiError is the API's JSON error body.
type apiError struct {
	Error struct {
		Code, Message, Field string
	} `json:"error"`
}

// send sends body as it is, decodes a 2xx answer into out (when non-nil)
// and returns the status and, for a 4xx or 5xx, the error body, which must
// be JSON with a code.
func (a *api) send(t testing.TB, method, path, auth string, body []byte, out any) (int, apiError) {
	t.Helper()
	code, b := a.raw(t, method, path, auth, body)
	if out != nil && code < 300 {
		require.NoError(t, json.Unmarshal(b, out))
	}
	var e apiError
	if code >= 400 {
		require.NoError(t, json.Unmarshal(b, &e), "errors are JSON")
		require.NotEmpty(t, e.Error.Code)
	}
	return code, e
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

// TestBadInputNamesTheField: every 400 says which input is wrong, in
// "field" and at the start of the message, so a client can show it next to
// the right box.
func TestBadInputNamesTheField(t *testing.T) {
	a := newAPI(t, 1_000_000)
	s := a.signup(t, "fields")
	bearer := "Bearer " + s.Token
	for _, tc := range []struct {
		method, path, auth, body, field string
	}{
		{"POST", "/api/signup", "", ``, "body"},
		{"POST", "/api/signup", "", `[1]`, "body"},
		{"POST", "/api/signup", "", `{"name":"x","email":"x@y"} {}`, "body"},
		{"POST", "/api/signup", "", `{"name":"","email":"a@b"}`, "name"},
		{"POST", "/api/signup", "", `{"name":"acme","email":"nobody"}`, "email"},
		{"POST", "/api/signup", "", `{"name":"acme","email":"a@b","plan":"GOLD"}`, "plan"},
		{"POST", "/api/signup", "", `{"name":"acme","email":"a@b","admin":true}`, "admin"},
		{"POST", "/api/signup", "", `{"name":7,"email":"a@b"}`, "name"},
		{"POST", "/api/projects", bearer, `{"name":" padded "}`, "name"},
		{"POST", "/api/tasks", bearer, `{"projectId":0,"title":"t"}`, "projectId"},
		{"POST", "/api/tasks", bearer, `{"projectId":"1","title":"t"}`, "projectId"},
		{"POST", "/api/tasks", bearer, `{"projectId":1,"title":""}`, "title"},
		{"PATCH", "/api/tasks/x", bearer, `{"status":"DONE"}`, "id"},
		{"PATCH", "/api/tasks/1", bearer, `{"status":"bogus"}`, "status"},
		{"GET", "/api/tasks?projectId=-3", bearer, ``, "projectId"},
		{"GET", "/api/tasks?status=LATE", bearer, ``, "status"},
		{"GET", "/api/tenants/not-a-uuid", bearer, ``, "id"},
		{"POST", "/api/invoices", bearer, `{"number":"","amount":"1.00"}`, "number"},
		{"POST", "/api/invoices", bearer, `{"number":"INV-1","amount":"1e9"}`, "amount"},
		{"POST", "/api/invoices", bearer, `{"number":"INV-1","amount":12.5}`, "amount"},
		{"POST", "/api/records", bearer, `{"collection":"` + strings.Repeat("c", 101) + `"}`, "collection"},
		{"POST", "/api/records", bearer, `{"customFields":{"$gt":1}}`, "customFields"},
		{"POST", "/api/records", bearer, `{"customFields":{"a":{"b":1}}}`, "customFields"},
		{"POST", "/api/records", bearer, `{"data":{"a":{"$where":"1"}}}`, "data"},
		{"GET", "/api/records?field=%24where&value=1", bearer, ``, "field"},
		{"POST", "/api/logout", "ApiKey " + s.APIKey, ``, "Authorization"},
	} {
		code, e := a.send(t, tc.method, tc.path, tc.auth, []byte(tc.body), nil)
		require.Equal(t, http.StatusBadRequest, code, "%s %s %s: %+v", tc.method, tc.path, tc.body, e)
		require.Equal(t, "bad_request", e.Error.Code)
		require.Equal(t, tc.field, e.Error.Field, "%s %s %s: %s", tc.method, tc.path, tc.body, e.Error.Message)
		require.True(t, strings.HasPrefix(e.Error.Message, tc.field+":"), "the message starts with the field: %q", e.Error.Message)
	}
}

// FuzzRequestBodies sends any body to every endpoint that reads one: the
// answer is a success, 400 naming a field, 404 (no such task) or 409 (a
// project of no one's), never a 5xx.
func FuzzRequestBodies(f *testing.F) {
	a := newAPI(f, 1_000_000)
	s := a.signup(f, "fuzzbody")
	for _, seed := range []string{"", "{}", "null", "[]", `{"name":"p"}`, `{"projectId":1,"title":"t"}`,
		`{"number":"INV-9","amount":"99.99"}`, `{"status":"DONE"}`, `{"customFields":{"k":"v"},"data":{"a":[1,{"b":2}]}}`,
		`{"name":"\u0000"}`, `{"amount":"-0.00","number":"n"}`, `{"projectId":9223372036854775807,"title":"t"}`,
		`{"name":"a","email":"a@b","plan":"ENTERPRISE"}`, `{"data":` + strings.Repeat(`{"a":`, 20) + `1` + strings.Repeat(`}`, 20) + `}`} {
		f.Add(uint8(0), seed)
	}
	endpoints := []struct{ method, path, auth string }{
		{"POST", "/api/signup", ""},
		{"POST", "/api/projects", "Bearer " + s.Token},
		{"POST", "/api/tasks", "Bearer " + s.Token},
		{"PATCH", "/api/tasks/1", "Bearer " + s.Token},
		{"POST", "/api/invoices", "Bearer " + s.Token},
		{"POST", "/api/records", "Bearer " + s.Token},
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		ep := endpoints[int(which)%len(endpoints)]
		code, e := a.send(t, ep.method, ep.path, ep.auth, []byte(body), nil)
		switch code {
		case 200, 201, 404, 409:
		case 400:
			require.NotEmpty(t, e.Error.Field, "%s %s %q: %s", ep.method, ep.path, body, e.Error.Message)
		default:
			t.Fatalf("%s %s %q: status %d %+v", ep.method, ep.path, body, code, e)
		}
	})
}
