package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/polystore/polystore/redis/stream"
)

// WorkerOpts configure a Worker: the stream worker's options (Group and
// Consumer are required; retries, backoff, XAUTOCLAIM and dead letters
// work as in redis/stream) and how delayed jobs are promoted.
type WorkerOpts struct {
	stream.WorkerOpts
	// PromoteEvery is the longest pause between two promotions of due
	// delayed jobs; default 1s. A worker sleeps less when the next
	// delayed job is due sooner, so a job runs at most about PromoteEvery
	// late only when it was enqueued after the worker went to sleep.
	PromoteEvery time.Duration
	// PromoteBatch is how many due jobs one promotion moves; default 100.
	PromoteBatch int
}

// Job is one job handed to a handler.
type Job[T any] struct {
	ID      string // the id Enqueue returned
	EntryID string // the stream entry id of this run
	Value   T
	Attempt int // 1 for the first run
}

// Handler runs a job; a nil error completes it. Handlers must be
// idempotent (keyed by Job.ID): a job is delivered at least once.
type Handler[T any] func(ctx context.Context, j Job[T]) error

// Worker runs a Queue's jobs: a redis/stream Worker over the queue's
// stream plus a promoter that moves due delayed jobs to it.
type Worker[T any] struct {
	q *Queue
	o WorkerOpts
	w *stream.Worker[T]
}

// NewWorker returns a Worker; it does no I/O. The worker decodes every job
// of q as a T (JSON: unknown fields ignored, missing ones zero), so a
// queue should carry one kind of job: a job of another type enqueued on q
// runs as whatever of it fits a T.
func NewWorker[T any](q *Queue, o WorkerOpts, h Handler[T]) (*Worker[T], error) {
	if q == nil || h == nil {
		return nil, fmt.Errorf("%w: a queue and a handler are required", ErrInvalid)
	}
	if o.PromoteEvery <= 0 {
		o.PromoteEvery = time.Second
	}
	if o.PromoteBatch <= 0 {
		o.PromoteBatch = 100
	}
	w, err := stream.NewWorker(q.s, o.WorkerOpts, func(ctx context.Context, m stream.Message[T]) error {
		id := m.Fields[JobIDField]
		if id == "" {
			id = m.ID // appended by hand, without a job id
		}
		return h(ctx, Job[T]{ID: id, EntryID: m.ID, Value: m.Value, Attempt: m.Attempt})
	})
	if err != nil {
		return nil, err
	}
	return &Worker[T]{q: q, o: o, w: w}, nil
}

// Run runs jobs and promotes due delayed jobs until ctx ends, then returns
// once running handlers finished (see stream.Worker.Run).
func (w *Worker[T]) Run(ctx context.Context) error {
	if w == nil {
		return fmt.Errorf("%w: nil worker", ErrInvalid)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); w.promote(ctx) }()
	err := w.w.Run(ctx)
	wg.Wait()
	return err
}

func (w *Worker[T]) promote(ctx context.Context) {
	logger := w.o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	for ctx.Err() == nil {
		n, next, err := w.q.Promote(ctx, w.o.PromoteBatch)
		pause := w.o.PromoteEvery
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			logger.Warn("jobs: promote", "queue", w.q.Name(), "err", err)
		case n == w.o.PromoteBatch:
			continue // more may be due
		case next >= 0 && next < pause:
			pause = next
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
