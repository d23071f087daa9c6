package tenancy_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzRoutes sends, as tenant A, any method, path (path parameters and
// query strings) and body to the whole API — the list endpoints' filters
// (?projectId, ?status, ?collection, ?field, ?value), the ids in paths and
// the routes that exist for no method. Invariants, for every input: no 5xx;
// an error is JSON with a code; the answer never names tenant B; B's data is
// unchanged; a refused request leaves A's data unchanged too; no foreign
// row is ever seen. (Logout is left out: it would end A's session for the
// inputs after it; TestHTTPTenantFlow covers it.)
func FuzzRoutes(f *testing.F) {
	a := newAPI(f, 1_000_000)
	me, victim := a.signup(f, "routes"), a.signup(f, "routesvictim")
	mine, theirs := "Bearer "+me.Token, "Bearer "+victim.Token
	var p, tk struct {
		ID int64 `json:"id"`
	}
	require.Equal(f, 201, a.call(f, "POST", "/api/projects", theirs, map[string]string{"name": "p"}, &p))
	require.Equal(f, 201, a.call(f, "POST", "/api/tasks", theirs, map[string]any{"projectId": p.ID, "title": "t"}, &tk))
	require.Equal(f, 201, a.call(f, "POST", "/api/records", theirs, map[string]any{"collection": "leads", "data": map[string]any{"x": 1}}, nil))
	theirsBefore := a.snapshot(f, theirs)
	pid, tid := strconv.FormatInt(p.ID, 10), strconv.FormatInt(tk.ID, 10)

	for _, s := range []struct{ method, path, body string }{
		{"GET", "/api/me", ""},
		{"GET", "/api/tenants/" + me.TenantID, ""},
		{"GET", "/api/tenants/" + victim.TenantID, ""},
		{"GET", "/api/tenants/%27%3B--", ""},
		{"GET", "/api/projects?limit=-1&offset=99999999999999999999", ""},
		{"GET", "/api/tasks?projectId=" + pid, ""},
		{"GET", "/api/tasks?projectId=9223372036854775808", ""},
		{"GET", "/api/tasks?projectId=-1&status=DONE", ""},
		{"GET", "/api/tasks?projectId=1e3", ""},
		{"GET", "/api/tasks?status=%00", ""},
		{"GET", "/api/tasks?status=done&status=TODO", ""},
		{"GET", "/api/invoices?amount=1", ""},
		{"GET", "/api/records?collection=leads", ""},
		{"GET", "/api/records?collection=$where", ""},
		{"GET", "/api/records?collection=leads&field=x&value=1", ""},
		{"GET", "/api/records?field=$ne&value=", ""},
		{"GET", "/api/records?field=tenantId&value=" + victim.TenantID, ""},
		{"GET", "/api/records?value=v", ""},
		{"PATCH", "/api/tasks/" + tid, `{"status":"DONE"}`},
		{"PATCH", "/api/tasks/0", `{"status":"DONE"}`},
		{"PATCH", "/api/tasks/9223372036854775808", `{"status":"DONE"}`},
		{"PATCH", "/api/tasks/abc", `{}`},
		{"PATCH", "/api/tasks/-1", `{"status":"DONE"}`},
		{"POST", "/api/token", ""},
		{"POST", "/api/token", `{"ttl":"1h"}`},
		{"POST", "/api/cache/clear", ""},
		{"GET", "/api/admin/report", ""},
		{"DELETE", "/api/projects", ""},
		{"PUT", "/api/tasks/1", "{}"},
		{"GET", "/api/nope?x=1", ""},
		{"GET", "/api/./me", ""},
		{"GET", "/", ""},
		{"POST", "/api/signup", `{"name":"n","email":"n@example.com","plan":"FREE"}`},
		{"POST", "/api/signup", `{"name":"","plan":"x"}`},
	} {
		f.Add(s.method, s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			return
		}
		u, err := url.Parse(target)
		if err != nil || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || u.Host != "" || u.Fragment != "" || len(target) > 2048 {
			return // not a request target a client would send
		}
		if strings.HasSuffix(path.Clean(u.Path), "/logout") {
			return
		}
		if _, err := http.NewRequest(method, "http://x"+target, nil); err != nil {
			return
		}
		before := a.snapshot(t, mine)
		code, b := a.raw(t, method, target, mine, []byte(body))
		require.Less(t, code, 500, "%s %s %q: %s", method, target, body, b)
		if !strings.Contains(target, victim.TenantID) && !strings.Contains(body, victim.TenantID) {
			require.NotContains(t, string(b), victim.TenantID, "%s %s %q", method, target, body)
		}
		if code == http.StatusNotFound && !strings.HasPrefix(path.Clean(u.Path), "/api/") {
			return // outside the API: net/http's plain 404 (serve mounts the page there)
		}
		if code >= 400 {
			var e apiError
			require.NoError(t, json.Unmarshal(b, &e), "%s %s %q: errors are JSON: %s", method, target, body, b)
			require.NotEmpty(t, e.Error.Code, "%s %s: %s", method, target, b)
			require.Equal(t, before, a.snapshot(t, mine), "%s %s %q: refused (%d) but A's data changed", method, target, body, code)
		}
		require.Equal(t, theirsBefore, a.snapshot(t, theirs), "%s %s %q changed another tenant's data", method, target, body)
		require.Zero(t, a.svc.ForeignRows.Load())
	})
}
