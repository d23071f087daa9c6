// Package stream_test measures consumer-group throughput with ack: the
// polystore Worker (JSON decode, handler goroutine, batched acks) against a
// raw rueidis XREADGROUP + pipelined XACK loop (impl=raw, the floor, one
// consumer), both draining the same number of pre-filled entries.
package stream_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/stream"
)

var prefix = devenv.UniqueName("bench:stream:") + ":"

func TestMain(m *testing.M) { redisbench.Main(m, prefix) }

type event struct {
	User  string  `json:"user"`
	Value float64 `json:"value"`
}

const batch = 100

// fill appends b.N entries (untimed) to a fresh stream and returns it.
func fill(b *testing.B, c rueidis.Client, n int) *stream.Stream {
	b.StopTimer()
	defer b.StartTimer()
	s := stream.New(c, devenv.UniqueName(prefix), &stream.Options{MaxLen: -1})
	evs := make([]event, 0, 1000)
	for i := 0; i < n; i += 1000 {
		evs = evs[:0]
		for j := i; j < min(n, i+1000); j++ {
			evs = append(evs, event{User: "u", Value: float64(j)})
		}
		if _, err := stream.PublishMany(context.Background(), s, evs); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkWorkerThroughput(b *testing.B) {
	c := redisbench.Client(b)
	ctx := context.Background()
	b.Run("impl=raw/concurrency=1", func(b *testing.B) {
		s := fill(b, c, b.N)
		if err := c.Do(ctx, c.B().XgroupCreate().Key(s.Key()).Group("g").Id("0").Build()).Error(); err != nil {
			b.Fatal(err)
		}
		done := 0
		for done < b.N {
			res, err := c.Do(ctx, c.B().Xreadgroup().Group("g", "c").Count(batch).Streams().Key(s.Key()).Id(">").Build()).AsXRead()
			if err != nil {
				b.Fatal(err)
			}
			cmds := make(rueidis.Commands, 0, batch)
			for _, e := range res[s.Key()] {
				cmds = append(cmds, c.B().Xack().Key(s.Key()).Group("g").Id(e.ID).Build())
			}
			for _, r := range c.DoMulti(ctx, cmds...) {
				if err := r.Error(); err != nil {
					b.Fatal(err)
				}
			}
			done += len(cmds)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("impl=polystore/concurrency=%d", conc), func(b *testing.B) {
			s := fill(b, c, b.N)
			var n atomic.Int64
			all := make(chan struct{})
			target := int64(b.N)
			w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c", Concurrency: conc, Batch: batch, Block: 50 * time.Millisecond},
				func(ctx context.Context, m stream.Message[event]) error {
					if n.Add(1) == target {
						close(all)
					}
					return nil
				})
			if err != nil {
				b.Fatal(err)
			}
			rctx, cancel := context.WithCancel(ctx)
			stopped := make(chan struct{})
			go func() { _ = w.Run(rctx); close(stopped) }()
			<-all
			cancel()
			<-stopped // the last acks are in
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
