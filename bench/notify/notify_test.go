// Package notify_test measures the fan-out of 10,000 notifications (one
// per user) with polystore's PublishMany against raw rueidis pipelined
// PUBLISHes of the same JSON payload (the floor) and against one PUBLISH
// round trip per user (the guide's naive loop without a pipeline).
package notify_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/notify"
)

var prefix = devenv.UniqueName("bench:notify:") + ":"

func TestMain(m *testing.M) { redisbench.Main(m, prefix) }

const fanout = 10_000

var users = func() []string {
	u := make([]string, fanout)
	for i := range u {
		u[i] = strconv.Itoa(i)
	}
	return u
}()

type payload struct {
	Sale  string `json:"sale"`
	Ends  int64  `json:"ends"`
	Count int    `json:"count"`
}

var data = payload{Sale: "flash-42", Ends: 1_800_000_000, Count: 3}

func BenchmarkFanout10k(b *testing.B) {
	c := redisbench.Client(b)
	ctx := context.Background()
	b.Run("impl=raw-pipeline", func(b *testing.B) {
		raw, _ := json.Marshal(data)
		for b.Loop() {
			cmds := make(rueidis.Commands, 0, fanout)
			for _, u := range users {
				msg, _ := json.Marshal(notify.Notification{ID: u, Type: "sale", Data: raw, Timestamp: time.Now()})
				cmds = append(cmds, c.B().Publish().Channel(prefix+"user:"+u).Message(string(msg)).Build())
			}
			for _, r := range c.DoMulti(ctx, cmds...) {
				if err := r.Error(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(fanout*b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("impl=polystore", func(b *testing.B) {
		h := notify.New(c, &notify.Options{Prefix: prefix})
		defer h.Close()
		for b.Loop() {
			if err := h.PublishMany(ctx, users, "sale", data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(fanout*b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("impl=one-round-trip-each", func(b *testing.B) {
		h := notify.New(c, &notify.Options{Prefix: prefix})
		defer h.Close()
		for b.Loop() {
			for _, u := range users {
				if _, _, err := h.Publish(ctx, u, "sale", data); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(fanout*b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}
