package tenancy_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/demo"
)

// TestNilArguments checks that nil arguments and nil receivers get an
// error wrapping ErrInvalid instead of a panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	const tenant = "0b0e8f8e-3c55-4d7a-9d0f-1a2b3c4d5e6f"
	var (
		auth  *tenancy.Auth
		cache *tenancy.Cache
		gate  *tenancy.Gate
		recs  *tenancy.Records
		rep   *tenancy.Reporter
		store *tenancy.Store
		sys   *tenancy.System
	)
	noClient := tenancy.NewCache(nil, "")
	p := tenancy.Principal{TenantID: tenant, UserID: 1}
	id := bson.NewObjectID()
	load := func(context.Context) ([]byte, error) { return []byte("v"), nil }
	cases := []struct {
		name string
		call func() error
	}{
		{"NewRecords(nil)", func() error { _, err := tenancy.NewRecords(ctx, nil); return err }},
		{"Migrate(nil)", func() error { return tenancy.Migrate(ctx, nil) }},
		{"CheckRole(nil)", func() error { return tenancy.CheckRole(ctx, nil) }},
		{"CheckRole(nil pool)", func() error { return tenancy.CheckRole(ctx, (*pgxpool.Pool)(nil)) }},
		{"NewAuth(nil)", func() error { _, err := tenancy.NewAuth(nil, nil, tenancy.AuthConfig{}); return err }},
		{"NewCache(nil).Get", func() error { _, _, _, err := noClient.Get(ctx, tenant, "k"); return err }},
		{"NewCache(nil).Set", func() error { _, err := noClient.Set(ctx, tenant, "k", "0", nil, time.Second); return err }},
		{"NewCache(nil).GetOrLoad", func() error { _, _, err := noClient.GetOrLoad(ctx, tenant, "k", time.Second, load); return err }},
		{"NewCache(nil).Clear", func() error { return noClient.Clear(ctx, tenant) }},
		{"nil Cache.Get", func() error { _, _, _, err := cache.Get(ctx, tenant, "k"); return err }},
		{"nil Cache.Clear", func() error { return cache.Clear(ctx, tenant) }},
		{"GetOrLoad nil load", func() error { _, _, err := noClient.GetOrLoad(ctx, tenant, "k", time.Second, nil); return err }},
		{"nil Auth.IssueToken", func() error { _, err := auth.IssueToken(p); return err }},
		{"nil Auth.VerifyToken", func() error { _, err := auth.VerifyToken(ctx, "t"); return err }},
		{"nil Auth.RevokeToken", func() error { return auth.RevokeToken(ctx, "t") }},
		{"nil Auth.RevokeUser", func() error { return auth.RevokeUser(ctx, p) }},
		{"nil Auth.CreateAPIKey", func() error { _, err := auth.CreateAPIKey(ctx, p); return err }},
		{"nil Auth.VerifyAPIKey", func() error { _, err := auth.VerifyAPIKey(ctx, "k"); return err }},
		{"nil Gate.Acquire", func() error { _, err := gate.Acquire(ctx, tenant); return err }},
		{"nil Records.Create", func() error { return recs.Create(ctx, tenant, &tenancy.Record{}) }},
		{"nil Records.Find", func() error { _, err := recs.Find(ctx, tenant, nil); return err }},
		{"nil Records.Count", func() error { _, err := recs.Count(ctx, tenant, nil); return err }},
		{"nil Records.SetField", func() error { _, err := recs.SetField(ctx, tenant, id, "f", 1); return err }},
		{"nil Records.Delete", func() error { _, err := recs.Delete(ctx, tenant, id); return err }},
		{"nil Reporter.TenantReport", func() error { _, err := rep.TenantReport(ctx, "actor"); return err }},
		{"nil Store.InTenant", func() error { return store.InTenant(ctx, tenant, nil, nil) }},
		{"nil Store.CreateTenant", func() error { _, _, err := store.CreateTenant(ctx, "n", "", "a@b.c"); return err }},
		{"nil System.Setup", func() error { return sys.Setup(ctx, nil) }},
		{"System.Setup(nil env)", func() error { return (&tenancy.System{}).Setup(ctx, nil) }},
		{"nil System.Run", func() error {
			_, err := sys.Run(ctx, demo.RunOptions{Rate: 1, Duration: time.Second}, nil)
			return err
		}},
		{"System.Run zero options", func() error { _, err := (&tenancy.System{}).Run(ctx, demo.RunOptions{}, nil); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), tenancy.ErrInvalid)
		})
	}

	// Accessors and Close of nil receivers return zero values.
	rep.Close()
	store.Close()
	require.NoError(t, sys.Close(ctx))
	if cache.GenKey(tenant) != "" || gate.Limit() != 0 || gate.InUse(tenant) != 0 || recs.Model() != nil ||
		store.Gate() != nil || store.Pool() != nil || sys.Service() != nil || sys.Roles() != (tenancy.Roles{}) {
		t.Fatal("nil receivers' accessors must return zero values")
	}
	for _, h := range []http.Handler{sys.Handler(), (&tenancy.System{}).Handler()} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("Handler before Setup answered %d, want 503", w.Code)
		}
	}
	// A nil Service (it panicked on every route) or one without a Store
	// and an Auth (it answered 500) answers 503.
	var svc *tenancy.Service
	for _, h := range []http.Handler{svc.Handler(), (&tenancy.Service{}).Handler()} {
		for _, route := range []string{"GET /api/me", "POST /api/signup", "POST /api/records", "GET /api/admin/report"} {
			method, path, _ := strings.Cut(route, " ")
			req := httptest.NewRequest(method, path, strings.NewReader(`{"name":"a","email":"a@example.com"}`))
			req.Header.Set("Authorization", "Bearer x")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			require.Equal(t, http.StatusServiceUnavailable, w.Code, route)
			require.Contains(t, w.Body.String(), `"code":"unavailable"`, route)
		}
	}
}

// TestZeroGate checks that the zero Gate is usable, with a cap of one.
func TestZeroGate(t *testing.T) {
	var g tenancy.Gate
	const tenant = "0b0e8f8e-3c55-4d7a-9d0f-1a2b3c4d5e6f"
	release, err := g.Acquire(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Acquire(ctx, tenant); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Acquire: err = %v, want the deadline (cap 1)", err)
	}
	if g.InUse(tenant) != 1 || g.Limit() != 1 {
		t.Fatalf("InUse %d, Limit %d; want 1 and 1", g.InUse(tenant), g.Limit())
	}
	release()
	if g.InUse(tenant) != 0 {
		t.Fatalf("InUse after release = %d", g.InUse(tenant))
	}
}
