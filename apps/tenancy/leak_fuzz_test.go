package tenancy_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// raw sends body and returns the status and the answer as it came.
func (a *api) raw(t testing.TB, method, path, auth string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, b
}

// snapshot is what a tenant's list endpoints answer.
func (a *api) snapshot(t testing.TB, auth string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, path := range []string{"/api/projects", "/api/tasks", "/api/invoices", "/api/records"} {
		code, b := a.raw(t, "GET", path, auth, nil)
		require.Equal(t, http.StatusOK, code, "%s: %s", path, b)
		out[path] = string(b)
	}
	return out
}

// FuzzBodiesStayInTenant sends any body, as tenant A, to every endpoint
// that writes (tasks of A and of another tenant B by id as well).
// Invariants, for every input: the answer never names B's tenant id nor
// carries a row of another tenant (ForeignRows stays 0); B's projects,
// tasks, invoices and records are unchanged (row-level security holds
// whatever the input); a 400 names the offending field and leaves A's
// data unchanged too (bad input writes nothing); no 5xx.
func FuzzBodiesStayInTenant(f *testing.F) {
	a := newAPI(f, 1_000_000)
	me, victim := a.signup(f, "fuzzer"), a.signup(f, "victim")
	mine, theirs := "Bearer "+me.Token, "Bearer "+victim.Token
	// projectAndTask creates a project and a task in it; it returns their ids.
	projectAndTask := func(auth string) (project, task int64) {
		var p, tk struct {
			ID int64 `json:"id"`
		}
		require.Equal(f, 201, a.call(f, "POST", "/api/projects", auth, map[string]string{"name": "p"}, &p))
		require.Equal(f, 201, a.call(f, "POST", "/api/tasks", auth, map[string]any{"projectId": p.ID, "title": "t"}, &tk))
		return p.ID, tk.ID
	}
	theirProject, theirTask := projectAndTask(theirs)
	require.Equal(f, 201, a.call(f, "POST", "/api/invoices", theirs, map[string]string{"number": "V-1", "amount": "10.00"}, nil))
	require.Equal(f, 201, a.call(f, "POST", "/api/records", theirs, map[string]any{"collection": "leads", "data": map[string]any{"x": 1}}, nil))
	_, ownTask := projectAndTask(mine)
	theirsBefore := a.snapshot(f, theirs)

	pid, tid := strconv.FormatInt(theirProject, 10), strconv.FormatInt(theirTask, 10)
	for _, seed := range []string{"", "{}", `{"name":"p"}`, `{"projectId":` + pid + `,"title":"t"}`,
		`{"status":"DONE"}`, `{"status":"DONE","tenantId":"` + victim.TenantID + `"}`,
		`{"name":"p","tenantId":"` + victim.TenantID + `"}`, `{"number":"N","amount":"1.00","tenantId":"` + victim.TenantID + `"}`,
		`{"collection":"leads","tenantId":"` + victim.TenantID + `","data":{"tenantId":"` + victim.TenantID + `"}}`,
		`{"projectId":"` + pid + `","title":1}`, `{"amount":"1e9","number":"x"}`, `{"customFields":{"$gt":1}}`} {
		for which := range 6 {
			f.Add(uint8(which), seed)
		}
	}
	endpoints := []struct{ method, path string }{
		{"POST", "/api/projects"},
		{"POST", "/api/tasks"},
		{"PATCH", "/api/tasks/" + tid},
		{"PATCH", "/api/tasks/" + strconv.FormatInt(ownTask, 10)},
		{"POST", "/api/invoices"},
		{"POST", "/api/records"},
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		ep := endpoints[int(which)%len(endpoints)]
		before := a.snapshot(t, mine)
		code, b := a.raw(t, ep.method, ep.path, mine, []byte(body))
		require.Less(t, code, 500, "%s %s %q: %s", ep.method, ep.path, body, b)
		require.NotContains(t, string(b), victim.TenantID, "%s %s %q", ep.method, ep.path, body)
		if ep.path == "/api/tasks/"+tid {
			require.NotEqual(t, http.StatusOK, code, "B's task updated by A: %s", b)
		}
		if code == http.StatusBadRequest {
			require.Contains(t, string(b), `"field":"`, "a 400 names the field: %s", b)
			require.Equal(t, before, a.snapshot(t, mine), "%s %s %q: a 400 wrote something", ep.method, ep.path, body)
		}
		require.Equal(t, theirsBefore, a.snapshot(t, theirs), "%s %s %q changed another tenant's data", ep.method, ep.path, body)
		require.Zero(t, a.svc.ForeignRows.Load())
	})
}
