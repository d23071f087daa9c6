package tenancy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

// Redis (a private redis-server with an fsynced append-only file, so
// revocations survive its restart) is stopped while tenants keep calling:
// every authenticated call is refused at once with 503 and Retry-After —
// never admitted unchecked, never a 500 — and writes nothing; once Redis
// is back the same credentials work, a token revoked before the outage
// stays revoked, and the tenant's data is what it was.
func TestRedisOutageFailsClosed(t *testing.T) {
	rp := devenv.StartRedis(t, "--appendonly", "yes", "--appendfsync", "always")
	opt, err := devenv.RedisOption(rp.URL())
	require.NoError(t, err)
	client, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	a := newAPIOn(t, 1000, client, "outage:")

	acme := a.signup(t, "acme")
	bearer, apiKey := "Bearer "+acme.Token, "ApiKey "+acme.APIKey
	require.Equal(t, 201, a.call(t, "POST", "/api/projects", bearer, map[string]string{"name": "before"}, nil))
	var ps []map[string]any
	require.Equal(t, 200, a.call(t, "GET", "/api/projects", bearer, nil, &ps))
	require.Len(t, ps, 1)
	revoked := a.signup(t, "revoked")
	require.Equal(t, 204, a.call(t, "POST", "/api/logout", "Bearer "+revoked.Token, nil, nil))

	require.NoError(t, rp.Stop())
	calls := []struct {
		method, path, auth string
		body               any
	}{
		{"GET", "/api/projects", bearer, nil},
		{"GET", "/api/projects", apiKey, nil},
		{"GET", "/api/me", bearer, nil},
		{"POST", "/api/projects", bearer, map[string]string{"name": "during"}},
		{"POST", "/api/projects", apiKey, map[string]string{"name": "during"}},
		{"GET", "/api/me", "Bearer " + revoked.Token, nil},
	}
	for _, c := range calls {
		var body []byte
		if c.body != nil {
			body, err = json.Marshal(c.body)
			require.NoError(t, err)
		}
		req, err := http.NewRequest(c.method, a.srv.URL+c.path, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", c.auth)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		took := time.Since(start)
		var e apiError
		require.NoError(t, json.NewDecoder(res.Body).Decode(&e))
		res.Body.Close()
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "%s %s during the outage: %+v", c.method, c.path, e)
		require.Equal(t, "unavailable", e.Error.Code)
		require.NotEmpty(t, res.Header.Get("Retry-After"), "%s %s", c.method, c.path)
		// Fail-fast client: a refused connection is an error in
		// milliseconds; the bound leaves room for a loaded machine.
		require.Less(t, took, 3*time.Second, "%s %s answered after %v", c.method, c.path, took)
	}

	require.NoError(t, rp.Restart(context.Background()))
	require.Eventually(t, func() bool {
		return a.call(t, "GET", "/api/projects", bearer, nil, &ps) == 200
	}, 10*time.Second, 50*time.Millisecond, "the tenant is served again once Redis is back")
	require.Len(t, ps, 1, "nothing was written during the outage")
	require.Equal(t, "before", ps[0]["name"])
	require.Equal(t, 200, a.call(t, "GET", "/api/me", apiKey, nil, nil))
	require.Equal(t, 401, a.call(t, "GET", "/api/me", "Bearer "+revoked.Token, nil, nil), "a token revoked before the outage stays revoked")
	require.Equal(t, 201, a.call(t, "POST", "/api/projects", bearer, map[string]string{"name": "after"}, nil))
	require.Zero(t, a.svc.ForeignRows.Load())
}
