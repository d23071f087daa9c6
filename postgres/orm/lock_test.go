package orm_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

var jobModel = &orm.Model{
	Name: "Job",
	Fields: []*orm.Field{
		{Name: "id", Type: orm.Int},
		{Name: "status", Type: orm.String},
		{Name: "worker", Type: orm.Int, Nullable: true},
	},
	PrimaryKey: []string{"id"},
}

var _ = mustSchema(jobModel)

type job struct {
	ID     int    `json:"id"`
	Status string `json:"status"`
	Worker *int   `json:"worker"`
}

func jobEnv(t *testing.T, n int) *env {
	t.Helper()
	e := newEnv(t, nil)
	_, err := e.c.Pool().Exec(context.Background(), `CREATE TABLE "Job" (id int PRIMARY KEY, status text NOT NULL, worker int)`)
	require.NoError(t, err)
	_, err = e.c.Pool().Exec(context.Background(), `INSERT INTO "Job" SELECT g, 'pending', NULL FROM generate_series(1, $1::int) g`, n)
	require.NoError(t, err)
	return e
}

var pendingFirst = &orm.FindArgs{Where: orm.Where{orm.Eq("status", "pending")}, OrderBy: []orm.Order{orm.Asc("id")}}

func withLock(fa *orm.FindArgs, l orm.Lock) *orm.FindArgs {
	cp := *fa
	cp.Lock = l
	return &cp
}

// TestSkipLockedQueue: N workers take jobs with FOR UPDATE SKIP LOCKED in
// their own transactions. Invariant: every job is processed exactly once
// (no job twice, none left), while the workers held locks on distinct jobs
// at the same time.
func TestSkipLockedQueue(t *testing.T) {
	const jobs, workers = 40, 4
	e := jobEnv(t, jobs)
	ctx := context.Background()
	var mu sync.Mutex
	seen := map[int]int{}
	perWorker := make([]int, workers)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	// Each worker holds its first job until every worker holds one: the
	// workers lock distinct rows at the same time (a FOR UPDATE without
	// SKIP LOCKED would block here until the timeout).
	var holding sync.WaitGroup
	holding.Add(workers)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			defer func() {
				if first { // failed before holding a job: do not keep the others waiting
					holding.Done()
				}
			}()
			for {
				done := false
				err := e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
					j, err := orm.FindFirst[job](ctx, tx, jobModel, withLock(pendingFirst, orm.ForUpdate(orm.LockSkipLocked)))
					if err != nil || j == nil {
						done = j == nil
						return err
					}
					if first {
						first = false
						holding.Done()
						holding.Wait()
					}
					if _, err := orm.Update[job](ctx, tx, jobModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", j.ID)},
						Data: orm.Data{"status": "done", "worker": w}}); err != nil {
						return err
					}
					mu.Lock()
					seen[j.ID]++
					perWorker[w]++
					mu.Unlock()
					return nil
				}, nil)
				if err != nil {
					errs <- err
					return
				}
				if done {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, seen, jobs)
	for id, n := range seen {
		require.Equal(t, 1, n, "job %d processed %d times", id, n)
	}
	left, err := orm.Count(ctx, e.c, jobModel, &orm.CountArgs{Where: orm.Where{orm.Eq("status", "pending")}})
	require.NoError(t, err)
	require.Zero(t, left)
	busy := 0
	for _, n := range perWorker {
		if n > 0 {
			busy++
		}
	}
	require.Equal(t, workers, busy, "jobs per worker %v", perWorker)
}

// TestRowLockModes holds a lock in one transaction and checks what a
// second transaction sees: SKIP LOCKED skips the row, NOWAIT fails with
// ErrLockNotAvailable (PS001), FOR SHARE shares with FOR SHARE, and a
// plain FOR UPDATE waits until the holder commits.
func TestRowLockModes(t *testing.T) {
	e := jobEnv(t, 3)
	ctx := context.Background()
	first := &orm.FindArgs{Where: orm.Where{orm.Eq("id", 1)}}
	locked := make(chan struct{})
	release := make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			j, err := orm.FindFirst[job](ctx, tx, jobModel, withLock(first, orm.ForUpdate()))
			if err != nil {
				return err
			}
			if j == nil || j.ID != 1 {
				return errors.New("holder did not get job 1")
			}
			close(locked)
			<-release
			_, err = orm.Update[job](ctx, tx, jobModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"status": "held"}})
			return err
		}, nil)
	}()
	<-locked

	// SKIP LOCKED: job 1 is left out.
	err := e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		rows, err := orm.FindMany[job](ctx, tx, jobModel, withLock(pendingFirst, orm.ForUpdate(orm.LockSkipLocked)))
		require.NoError(t, err)
		require.Equal(t, []int{2, 3}, []int{rows[0].ID, rows[1].ID})
		require.Len(t, rows, 2)
		return nil
	}, nil)
	require.NoError(t, err)

	// NOWAIT on the locked row: a typed error with its own code.
	err = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		_, err := orm.FindFirst[job](ctx, tx, jobModel, withLock(first, orm.ForShare(orm.LockNoWait)))
		return err
	}, nil)
	require.ErrorIs(t, err, orm.ErrLockNotAvailable)
	oe, ok := orm.AsError(err)
	require.True(t, ok)
	require.Equal(t, orm.CodeLockNotAvailable, oe.Code)
	require.Equal(t, "55P03", oe.SQLState)

	// NOWAIT on a free row succeeds.
	err = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		j, err := orm.FindFirst[job](ctx, tx, jobModel, withLock(&orm.FindArgs{Where: orm.Where{orm.Eq("id", 2)}}, orm.ForUpdate(orm.LockNoWait)))
		require.NotNil(t, j)
		return err
	}, nil)
	require.NoError(t, err)

	// A blocking FOR UPDATE waits: it times out while the holder runs...
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = e.c.Transaction(short, func(ctx context.Context, tx *orm.Tx) error {
		_, err := orm.FindFirst[job](ctx, tx, jobModel, withLock(first, orm.ForUpdate()))
		return err
	}, nil)
	cancel()
	require.Error(t, err)
	require.NotErrorIs(t, err, orm.ErrLockNotAvailable)

	// ...and once the holder commits, sees its write.
	waited := make(chan *job, 1)
	waitErr := make(chan error, 1)
	go func() {
		waitErr <- e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			j, err := orm.FindFirst[job](ctx, tx, jobModel, withLock(first, orm.ForUpdate()))
			waited <- j
			return err
		}, nil)
	}()
	select {
	case <-waited:
		t.Fatal("FOR UPDATE did not wait for the holder")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-holder)
	require.NoError(t, <-waitErr)
	require.Equal(t, "held", (<-waited).Status)
}

// TestRowLockNeedsTransaction: a lock outside a transaction, in an
// include, or out of range is a validation error sent to no server; the
// join strategy with includes and paging locks the top-level rows.
func TestRowLockNeedsTransaction(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	seed(t, e)
	for _, fa := range []*orm.FindArgs{
		{Lock: orm.ForUpdate()},
		{Lock: orm.Lock{Strength: 9}},
		{Lock: orm.Lock{Wait: orm.LockNoWait}},
	} {
		n := e.count(func() {
			_, err := orm.FindMany[User](ctx, e.c, UserModel, fa)
			require.ErrorIs(t, err, orm.ErrValidation)
		})
		require.Zero(t, n)
	}
	err := e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		_, err := orm.FindMany[User](ctx, tx, UserModel, &orm.FindArgs{Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Lock: orm.ForShare()}}}})
		require.ErrorIs(t, err, orm.ErrValidation)
		for _, s := range strategies() {
			users, err := orm.FindMany[User](ctx, tx, UserModel, &orm.FindArgs{
				Include: []orm.Include{orm.Inc("posts")}, OrderBy: []orm.Order{orm.Asc("email")}, Take: 2,
				Lock: orm.ForUpdate(orm.LockSkipLocked), Strategy: s})
			require.NoError(t, err, strategyName(s))
			require.Len(t, users, 2)
			require.Len(t, users[0].Posts, 3)
		}
		return nil
	}, nil)
	require.NoError(t, err)
}
