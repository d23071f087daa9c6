package demo_test

import (
	"fmt"
	"time"

	"github.com/polystore/polystore/internal/demo"
)

func ExampleFormatSummary() {
	sum := &demo.Summary{
		Metrics: []demo.Metric{{Key: "sold", Label: "units sold", Value: 100}, {Key: "p99", Label: "p99", Value: 2.5, Unit: "ms"}},
		Checks:  []demo.Check{{Name: "no oversell", OK: true, Detail: "sold 100 of 100"}},
	}
	fmt.Print(demo.FormatSummary(demo.Info{Name: "shop"}, sum))
	fmt.Println(demo.FormatProgress(demo.Progress{Elapsed: 3 * time.Second, Metrics: []demo.Metric{
		{Key: "rps", Label: "req/s", Value: 999.6, Unit: "/s"}, {Key: "hidden", Value: 1},
	}}))
	// Output:
	// shop summary
	//   units sold 100
	//   p99 2.50ms
	// invariants
	//   ok     no oversell: sold 100 of 100
	// all invariants hold
	//     3s  req/s 1000/s
}

func ExampleFormatStopped() {
	// The last row of a run, 40ms after the previous one: the rates and
	// latencies of so short a window are left out, the totals are final.
	fmt.Println(demo.FormatStopped(demo.Progress{Elapsed: 20*time.Second + 40*time.Millisecond, Metrics: []demo.Metric{
		{Key: "rps", Label: "req/s", Value: 27, Unit: "/s"}, {Key: "p50", Label: "p50", Value: 0.4, Unit: "ms"},
		{Key: "sold", Label: "sold", Value: 480}, {Key: "held", Label: "held", Value: 12},
	}}))
	// Output:
	//    20s  load stopped  sold 480  held 12
}
