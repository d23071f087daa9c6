package tenancy_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
)

// Any Authorization header gets 200 only for a real credential, else 401:
// never a 5xx, never another tenant.
func FuzzAuthorizationHeader(f *testing.F) {
	a := newAPI(f, 1_000_000)
	s := a.signup(f, "fuzz")
	for _, seed := range []string{"", "Bearer " + s.Token, "ApiKey " + s.APIKey, "Bearer " + s.Token + "x",
		"ApiKey " + strings.Replace(s.APIKey, "_", "-", 1), "ApiKey tk_" + strings.Repeat("0", 32) + "_" + strings.Repeat("A", 43),
		"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "bearer  " + s.Token, "ApiKey \x00", "Bearer " + strings.Repeat("a.", 5000)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, h string) {
		req, err := http.NewRequest("GET", a.srv.URL+"/api/me", nil)
		require.NoError(t, err)
		if !validHeader(h) {
			return // net/http refuses to send it
		}
		req.Header.Set("Authorization", h)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		switch res.StatusCode {
		case 200:
			// Only the two genuine credentials (modulo scheme case and spaces).
			_, cred, _ := strings.Cut(h, " ")
			cred = strings.TrimSpace(cred)
			require.True(t, cred == s.Token || cred == s.APIKey, "accepted %q", h)
		case 401:
		default:
			t.Fatalf("status %d for %q", res.StatusCode, h)
		}
	})
}

func validHeader(v string) bool {
	for _, c := range []byte(v) {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// Any tenant id in a path gets 200 (own), 403 (another valid id) or 400,
// and runs only the statements the genuine request runs: the id never
// reaches a query's text.
func FuzzTenantIDInPath(f *testing.F) {
	a := newAPI(f, 1_000_000)
	s := a.signup(f, "fuzz")
	other := a.signup(f, "other")
	require.Equal(f, 200, a.call(f, "GET", "/api/tenants/"+s.TenantID, "Bearer "+s.Token, nil, nil))
	shapes := a.statements()
	for _, seed := range []string{s.TenantID, other.TenantID, strings.ToUpper(s.TenantID), "00000000-0000-0000-0000-000000000000",
		s.TenantID + "'; SET app.current_tenant = '" + other.TenantID, "{" + s.TenantID + "}", "", "%00", strings.Repeat("f", 36)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		req, err := http.NewRequest("GET", a.srv.URL+"/api/tenants/"+url.PathEscape(id), nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+s.Token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		switch {
		case id == s.TenantID:
			require.Equal(t, 200, res.StatusCode)
		case id == other.TenantID:
			require.Equal(t, 403, res.StatusCode)
		default:
			require.Contains(t, []int{400, 403, 404}, res.StatusCode, "%q", id)
		}
		for q := range a.statements() {
			require.True(t, shapes[q], "new statement %q after id %q", q, id)
		}
	})
}

// Any custom field name is stored (201) only if ValidateFieldName accepts
// it, else 400; never a 5xx.
func FuzzCustomFieldName(f *testing.F) {
	a := newAPI(f, 1_000_000)
	s := a.signup(f, "fuzz")
	for _, seed := range []string{"source", "$where", "a.b", "", strings.Repeat("x", 65), "naïve", "\xff\xfe", "_id", "$", "tab\there"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		// JSON carries valid UTF-8 only: the server gets what encoding
		// made of the name.
		b, err := json.Marshal(name)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &name))
		valid := tenancy.ValidateFieldName(name) == nil
		code := a.call(t, "POST", "/api/records", "Bearer "+s.Token, map[string]any{"customFields": map[string]any{name: "v"}}, nil)
		if valid {
			require.Equal(t, 201, code, "%q", name)
		} else {
			require.Equal(t, 400, code, "%q", name)
		}
		code = a.call(t, "GET", "/api/records?field="+url.QueryEscape(name)+"&value=v", "Bearer "+s.Token, nil, nil)
		if valid || name == "" {
			require.Equal(t, 200, code, "%q", name)
		} else {
			require.Equal(t, 400, code, "%q", name)
		}
	})
}
