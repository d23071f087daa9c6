// Command redispatterns shows the guide's Redis section done without its
// races, on the Redis at POLYSTORE_REDIS_URL (else 127.0.0.1:6379):
//
//   - caching: 100 concurrent misses of one key run the loader once
//     (redis/cache, stampede protection across processes);
//   - rate limiting: an HTTP handler behind one atomic GCRA check per
//     request; the request past the burst gets 429 with Retry-After
//     (redis/ratelimit);
//   - blacklisting tokens: a JWT verified, revoked, then refused
//     (redis/revoke);
//   - pub/sub notifications: a subscriber receives a user's notification
//     (redis/notify).
//
// Every key it writes starts with a unique prefix and is deleted at the end.
// The client comes from redisconn.NewClient, so with Redis down the program
// fails within a second instead of waiting:
//
//	go run ./examples/redispatterns
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/cache"
	"github.com/polystore/polystore/redis/notify"
	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/polystore/polystore/redis/revoke"
)

func main() {
	url := os.Getenv("POLYSTORE_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379"
	}
	if err := run(context.Background(), url, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "redispatterns:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, out io.Writer) error {
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		return err
	}
	client, err := redisconn.NewClient(opt)
	if err != nil {
		return fmt.Errorf("connect to Redis at %s: %w", url, err)
	}
	defer client.Close()
	prefix := fmt.Sprintf("redispatterns:%d:", time.Now().UnixNano())
	defer deletePrefix(context.Background(), client, prefix)
	return walkthrough(ctx, client, prefix, out)
}

// User is what the cached loader returns.
type User struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func walkthrough(ctx context.Context, client rueidis.Client, prefix string, out io.Writer) error {
	// Caching: cache-aside with one loader per key, whoever misses.
	users, err := cache.New(client, cache.Config{Prefix: prefix + "cache:", TTL: 10 * time.Minute})
	if err != nil {
		return err
	}
	var loads atomic.Int64
	load := func(ctx context.Context) (User, error) {
		loads.Add(1)
		time.Sleep(50 * time.Millisecond) // a slow database query
		return User{ID: 42, Name: "Ann"}, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if u, err := cache.Get(ctx, users, "user:42", load, nil); err != nil || u.Name != "Ann" {
				errs <- fmt.Errorf("cache.Get: %v %v", u, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Fprintf(out, "cache: 100 concurrent readers, %d loader call\n", loads.Load())

	// Rate limiting: 5 requests per second per client, a burst of 5.
	limiter, err := ratelimit.New(client, ratelimit.Config{
		Algorithm: ratelimit.GCRA,
		Limit:     ratelimit.Limit{Rate: 5, Period: time.Second, Burst: 5},
		Prefix:    prefix + "rl:",
	})
	if err != nil {
		return err
	}
	api := ratelimit.Middleware(limiter, &ratelimit.MiddlewareOpts{Key: ratelimit.KeyByHeader("X-Client")})(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") }))
	codes := make([]string, 0, 6)
	for range 6 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api", nil)
		req.Header.Set("X-Client", "client-1")
		api.ServeHTTP(rec, req)
		code := fmt.Sprint(rec.Code)
		if rec.Code == http.StatusTooManyRequests {
			code += " (Retry-After " + rec.Header().Get("Retry-After") + "s)"
		}
		codes = append(codes, code)
	}
	fmt.Fprintln(out, "rate limit:", strings.Join(codes, ", "))

	// Blacklisting tokens: revoked until the token would have expired anyway.
	secret := []byte("example-secret")
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		ID: "token-1", Subject: "user-42", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}).SignedString(secret)
	if err != nil {
		return err
	}
	verifier := revoke.NewVerifier(revoke.New(client, &revoke.Options{Prefix: prefix + "revoke:"}),
		func(*jwt.Token) (any, error) { return secret, nil }, jwt.WithValidMethods([]string{"HS256"}))
	if _, err := verifier.Verify(ctx, signed); err != nil {
		return err
	}
	fmt.Fprintln(out, "token: accepted")
	if err := verifier.RevokeToken(ctx, signed); err != nil {
		return err
	}
	_, err = verifier.Verify(ctx, signed)
	fmt.Fprintln(out, "token after logout: revoked =", revoke.IsRevoked(err))

	// Pub/sub notifications, resubscribed after a reconnect by the hub.
	hub := notify.New(client, &notify.Options{Prefix: prefix + "notify:"})
	defer hub.Close()
	got := make(chan notify.Notification, 1)
	unsubscribe, err := hub.Subscribe(ctx, "user-42", func(_ string, n notify.Notification) { got <- n })
	if err != nil {
		return err
	}
	defer unsubscribe()
	if err := hub.WaitConnected(ctx, 1); err != nil {
		return err
	}
	if _, _, err := hub.Publish(ctx, "user-42", "order.shipped", map[string]string{"order": "A-17"}); err != nil {
		return err
	}
	select {
	case n := <-got:
		fmt.Fprintf(out, "notification: %s %s\n", n.Type, n.Data)
	case <-time.After(5 * time.Second):
		return errors.New("no notification within 5s")
	}
	return nil
}

// deletePrefix removes the keys the walkthrough wrote.
func deletePrefix(ctx context.Context, client rueidis.Client, prefix string) {
	var cursor uint64
	for {
		e, err := client.Do(ctx, client.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
		if err != nil {
			return
		}
		for _, k := range e.Elements {
			client.Do(ctx, client.B().Del().Key(k).Build())
		}
		if cursor = e.Cursor; cursor == 0 {
			return
		}
	}
}
