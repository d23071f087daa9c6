package sse_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/sse"
)

// readEvents reads n "event/data" pairs from an SSE stream.
func readEvents(t *testing.T, sc *bufio.Scanner, n int) []string {
	t.Helper()
	var out []string
	var ev string
	for len(out) < n && sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			out = append(out, ev+" "+strings.TrimPrefix(line, "data: "))
		}
	}
	require.Len(t, out, n, "stream ended early: %v", sc.Err())
	return out
}

// noTakeover hides the connection (no Hijack, no Unwrap), as HTTP/2 does:
// the hub serves such a stream from its handler's goroutine.
type noTakeover struct{ w http.ResponseWriter }

func (n noTakeover) Header() http.Header         { return n.w.Header() }
func (n noTakeover) Write(b []byte) (int, error) { return n.w.Write(b) }
func (n noTakeover) WriteHeader(code int)        { n.w.WriteHeader(code) }
func (n noTakeover) Flush()                      { n.w.(http.Flusher).Flush() }

func TestStreamReplaysLastAndFollows(t *testing.T) {
	t.Run("shared", func(t *testing.T) { testReplaysLastAndFollows(t, false) })
	t.Run("per-stream", func(t *testing.T) { testReplaysLastAndFollows(t, true) })
}

func testReplaysLastAndFollows(t *testing.T, perStream bool) {
	hub := sse.NewHub()
	defer hub.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events/{topic}", func(w http.ResponseWriter, r *http.Request) {
		if perStream {
			w = noTakeover{w}
		}
		hub.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	require.NoError(t, hub.Publish("shop", "stats", map[string]int{"sold": 1}))
	require.NoError(t, hub.Publish("shop", "stats", map[string]int{"sold": 2}))
	require.NoError(t, hub.Publish("shop", "info", "hello"))
	require.NoError(t, hub.Publish("other", "stats", 99))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events/shop", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	require.Equal(t, []string{`stats {"sold":2}`, `info "hello"`}, readEvents(t, sc, 2), "the last message of each event, in first-publish order")

	require.NoError(t, hub.Publish("other", "stats", 100))
	require.NoError(t, hub.Publish("shop", "stats", map[string]int{"sold": 3}))
	require.Equal(t, []string{`stats {"sold":3}`}, readEvents(t, sc, 1), "only the subscribed topic")
}

func TestPublishNeverBlocks(t *testing.T) {
	hub := sse.NewHub()
	hub.Buffer = 4
	c, cancel := hub.Subscribe("t")
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 1000 {
			_ = hub.Publish("t", "n", i)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a slow subscriber")
	}
	require.Len(t, c, 4, "the subscriber kept what fitted in its buffer")
	m, ok := hub.Last("t", "n")
	require.True(t, ok)
	require.Equal(t, "999", string(m.Data))
}

func TestConcurrentSubscribers(t *testing.T) {
	hub := sse.NewHub()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, cancel := hub.Subscribe("t")
			defer cancel()
			_ = hub.Publish("t", "e", 1)
			<-c
		}()
	}
	wg.Wait()
	hub.Close()
	c, _ := hub.Subscribe("t")
	_, ok := <-c
	require.False(t, ok, "subscribing to a closed hub returns a closed channel")
}

func TestBadInput(t *testing.T) {
	hub := sse.NewHub()
	defer hub.Close()
	require.Error(t, hub.Publish("t", "", 1))
	require.Error(t, hub.Publish("t", "a\nb", 1))
	require.Error(t, hub.Publish("t", "e", func() {}))
	rec := httptest.NewRecorder()
	hub.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/events", nil))
	require.Equal(t, http.StatusBadRequest, rec.Code)
}
