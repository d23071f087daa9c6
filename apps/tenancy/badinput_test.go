package tenancy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// apiError is the JSON error body of the API.
type apiError struct {
	Error struct {
		Code, Message, Field string
	} `json:"error"`
}

// raw sends body as it is and returns the status and the decoded error
// body (zero for a 2xx).
func (a *api) raw(t testing.TB, method, path, auth, body string) (int, apiError) {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var e apiError
	if res.StatusCode >= 400 {
		require.NoError(t, json.Unmarshal(b, &e), "errors are JSON: %s", b)
		require.NotEmpty(t, e.Error.Code, "%s", b)
	}
	return res.StatusCode, e
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
		code, e := a.raw(t, tc.method, tc.path, tc.auth, tc.body)
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
		code, e := a.raw(t, ep.method, ep.path, ep.auth, body)
		switch code {
		case 200, 201, 404, 409:
		case 400:
			require.NotEmpty(t, e.Error.Field, "%s %s %q: %s", ep.method, ep.path, body, e.Error.Message)
		default:
			t.Fatalf("%s %s %q: status %d %+v", ep.method, ep.path, body, code, e)
		}
	})
}
