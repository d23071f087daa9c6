package sse_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/sse"
)

type update struct {
	N   int    `json:"n"`
	At  int64  `json:"at"`
	Pad string `json:"pad,omitempty"`
}

func fanoutServer(t *testing.T, hub *sse.Hub) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /events/{topic}", hub)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close)
	return srv.URL
}

// subscribe opens a stream and returns its updates as they arrive, with
// their time of arrival; the channel closes with the stream.
func subscribe(t *testing.T, ctx context.Context, url string) <-chan update {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	require.NoError(t, err)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	require.True(t, sc.Scan())
	require.Equal(t, "retry: 1000", sc.Text(), "subscribed")
	out := make(chan update, 1024)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		for sc.Scan() {
			if u, ok := parseUpdate(sc.Bytes()); ok {
				u.At = time.Now().UnixNano() - u.At
				out <- u
			}
		}
	}()
	return out
}

// Invariant: every subscriber that keeps reading receives every update,
// once, in publish order, through the shared writers.
func TestEverySubscriberGetsEveryUpdateInOrder(t *testing.T) {
	hub := sse.NewHub()
	url := fanoutServer(t, hub) + "/events/t"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const subscribers, updates = 64, 300
	subs := make([]<-chan update, subscribers)
	for i := range subs {
		subs[i] = subscribe(t, ctx, url)
	}
	for i := range updates {
		require.NoError(t, hub.Publish("t", "u", update{N: i, At: time.Now().UnixNano()}))
		require.NoError(t, hub.Publish("other", "u", update{N: -1}))
		if i%50 == 0 {
			time.Sleep(time.Millisecond) // some alone, some batched
		}
	}
	receiveAll(t, subs, updates, time.Hour).Wait()
}

// parseUpdate reads n and at from a data line without decoding the
// padding (the readers must keep up with 128 KiB updates).
func parseUpdate(line []byte) (update, bool) {
	data, ok := bytes.CutPrefix(line, []byte("data: "))
	if !ok {
		return update{}, false
	}
	if i := bytes.Index(data, []byte(`,"pad"`)); i >= 0 {
		data = append(data[:i:i], '}')
	}
	var u update
	return u, json.Unmarshal(data, &u) == nil
}

// receiveAll checks, in the background, that each subscriber receives
// updates 0..n-1 in order, each within bound of its publication.
func receiveAll(t *testing.T, subs []<-chan update, n int, bound time.Duration) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i, c := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for want := range n {
				u, ok := <-c
				if !assertf(t, ok, "subscriber %d: stream ended before update %d", i, want) ||
					!assertf(t, u.N == want, "subscriber %d: got update %d, want %d", i, u.N, want) {
					return
				}
				assertf(t, time.Duration(u.At) < bound, "subscriber %d: update %d took %v", i, want, time.Duration(u.At))
			}
		}()
	}
	return &wg
}

func assertf(t *testing.T, ok bool, format string, args ...any) bool {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
	return ok
}

// Invariant: a subscriber that stops reading does not hold up the others
// (each update reaches every reading subscriber within a bound), and when
// it reads again it gets a prefix of the updates in order and then the
// latest one (the coalesced state), never an older one after a newer.
func TestStalledSubscriberDoesNotDelayOthers(t *testing.T) {
	hub := sse.NewHub()
	base := fanoutServer(t, hub)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The stalled subscriber: a raw connection that sends its request
	// and does not read.
	stalled, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer stalled.Close()
	_, err = stalled.Write([]byte("GET /events/t HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)

	const readers, updates = 4, 64
	subs := make([]<-chan update, readers)
	for i := range subs {
		subs[i] = subscribe(t, ctx, base+"/events/t")
	}
	// 64 × 128 KiB: more than the stalled connection's socket buffers
	// hold (4 MiB and 128 KiB here).
	pad := strings.Repeat("x", 128<<10)
	const bound = 5 * time.Second // generous: the machine is shared
	wg := receiveAll(t, subs, updates, bound)
	for i := range updates {
		require.NoError(t, hub.Publish("t", "u", update{N: i, At: time.Now().UnixNano(), Pad: pad}))
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()

	// The stalled subscriber reads again (before the hub gives up on it).
	require.NoError(t, stalled.SetReadDeadline(time.Now().Add(30*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(stalled), nil)
	require.NoError(t, err)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	var got []int
	for sc.Scan() {
		if u, ok := parseUpdate(sc.Bytes()); ok {
			if len(got) > 0 {
				require.Greater(t, u.N, got[len(got)-1], "in order: %v", got)
			}
			got = append(got, u.N)
			if u.N == updates-1 {
				break
			}
		}
	}
	require.NotEmpty(t, got)
	require.Equal(t, updates-1, got[len(got)-1], "it ends with the latest update")
	require.Less(t, len(got), updates, "it lagged, and skipped to the latest: %v", got)
}

// A client that leaves is forgotten; the hub's Close ends the streams.
func TestSharedStreamEnds(t *testing.T) {
	hub := sse.NewHub()
	base := fanoutServer(t, hub)
	ctx, cancel := context.WithCancel(context.Background())
	c := subscribe(t, ctx, base+"/events/t")
	require.NoError(t, hub.Publish("t", "u", update{N: 1}))
	require.Equal(t, 1, (<-c).N)
	cancel()
	for range c {
	}
	c2 := subscribe(t, context.Background(), base+"/events/t")
	require.Equal(t, 1, (<-c2).N, "the last message first")
	hub.Close()
	select {
	case _, ok := <-c2:
		require.False(t, ok, "the stream ends")
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end on Close")
	}
}
