package riverjobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/riverjobs"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// welcomeWorker records every run, and what the job saw of its user.
type welcomeWorker struct {
	river.WorkerDefaults[riverjobs.WelcomeArgs]
	pool *pgxpool.Pool
	mu   sync.Mutex
	runs map[int64]int
	seen map[int64]string // user id -> email read by the job
}

func (w *welcomeWorker) Work(ctx context.Context, j *river.Job[riverjobs.WelcomeArgs]) error {
	var email string
	err := w.pool.QueryRow(ctx, "SELECT email FROM users WHERE id = $1", j.Args.UserID).Scan(&email)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[j.Args.UserID]++
	w.seen[j.Args.UserID] = email
	return err
}

func (w *welcomeWorker) count() (int, map[int64]int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[int64]int{}
	total := 0
	for k, v := range w.runs {
		out[k] = v
		total += v
	}
	return total, out
}

func setup(t *testing.T) (*pgxpool.Pool, *orm.Client, *river.Client[pgx.Tx], *welcomeWorker) {
	t.Helper()
	ctx := context.Background()
	pool := devenv.Postgres(t)
	_, err := pool.Exec(ctx, riverjobs.Schema)
	require.NoError(t, err)
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	require.NoError(t, err)
	_, err = migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	require.NoError(t, err)

	w := &welcomeWorker{pool: pool, runs: map[int64]int{}, seen: map[int64]string{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		FetchPollInterval: 20 * time.Millisecond,
		FetchCooldown:     5 * time.Millisecond,
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		TestOnly:          true,
	})
	require.NoError(t, err)
	require.NoError(t, rc.Start(ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Stop(ctx)
	})
	return pool, orm.NewWithPool(pool, nil), rc, w
}

func jobRows(t *testing.T, pool *pgxpool.Pool) map[int64]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT (args->>'user_id')::bigint, state::text FROM river_job WHERE kind = 'welcome'`)
	require.NoError(t, err)
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var state string
		require.NoError(t, rows.Scan(&id, &state))
		out[id] = state
	}
	require.NoError(t, rows.Err())
	return out
}

// Invariant: of concurrent sign-ups, half of which roll back after both
// writes, exactly the committed ones have a job, and each runs once; the
// job always sees its committed user row.
func TestJobCommitsWithTheTransaction(t *testing.T) {
	ctx := context.Background()
	pool, db, rc, w := setup(t)

	const n = 20
	errBoom := errors.New("payment declined")
	var wg sync.WaitGroup
	committed := make(chan int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var then func(context.Context, *orm.Tx) error
			if i%2 == 1 {
				then = func(context.Context, *orm.Tx) error { return errBoom }
			}
			id, err := riverjobs.SignUp(ctx, db, rc, fmt.Sprintf("u%d@example.com", i), then)
			if i%2 == 1 {
				if !errors.Is(err, errBoom) {
					t.Errorf("sign-up %d: want the rollback's error, got %v", i, err)
				}
				return
			}
			if err != nil {
				t.Errorf("sign-up %d: %v", i, err)
				return
			}
			committed <- id
		}()
	}
	wg.Wait()
	close(committed)
	want := map[int64]bool{}
	for id := range committed {
		want[id] = true
	}
	require.Len(t, want, n/2)

	var users int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&users))
	require.Equal(t, n/2, users, "rolled-back users are gone")
	require.Eventually(t, func() bool {
		total, _ := w.count()
		return total >= n/2
	}, 15*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		for _, state := range jobRows(t, pool) {
			if state != "completed" {
				return false
			}
		}
		return true
	}, 15*time.Second, 10*time.Millisecond)

	rows := jobRows(t, pool)
	require.Len(t, rows, n/2, "one job per committed sign-up, none for a rolled-back one")
	for id := range rows {
		require.True(t, want[id], "job for user %d, which never committed", id)
	}
	time.Sleep(100 * time.Millisecond) // several fetch rounds: a second run would show
	total, runs := w.count()
	require.Equal(t, n/2, total)
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range want {
		require.Equal(t, 1, runs[id], "user %d's job ran once", id)
		require.NotEmpty(t, w.seen[id], "the job saw its user's committed row")
	}
}

func TestSignUpBadInput(t *testing.T) {
	_, err := riverjobs.SignUp(context.Background(), nil, nil, "", nil)
	require.ErrorIs(t, err, riverjobs.ErrInvalid)
}
