package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/server"
)

// staticHealth reports fixed statuses: the HTTP layer is what is shown
// here; cmd/polystore's tests probe real servers.
type staticHealth []devenv.Status

func (s staticHealth) Check(context.Context, map[devenv.Store]error) []devenv.Status { return s }

func ExampleHandler() {
	h := server.Handler(server.Config{Health: staticHealth{
		{Store: devenv.StorePostgres, OK: true, Real: true, Version: "PostgreSQL 15", Latency: time.Millisecond},
		{Store: devenv.StoreRedis, OK: false, Error: "dial tcp 127.0.0.1:6379: connection refused"},
	}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	var body server.Health
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	fmt.Println(rec.Code, body.Status)
	for _, s := range body.Stores {
		fmt.Println(s.Store, s.OK)
	}
	// Output:
	// 503 degraded
	// postgres true
	// redis false
}
