package loadgen_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/internal/loadgen"
)

func fmtUint(n uint64) string { return fmt.Sprint(n) }

func ExampleRun() {
	var served atomic.Int64
	h := loadgen.FuncHandler(func(context.Context) error { served.Add(1); return nil })
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Rate:     100,
		Duration: 500 * time.Millisecond,
		Client:   loadgen.HandlerClient(h),
		Targeter: loadgen.Static(http.MethodGet, "http://in-process/", nil, nil),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("every request answered:", rep.Requests == uint64(served.Load()))
	fmt.Println("all 200:", rep.Codes[200] == rep.Requests, "errors:", rep.Errors)
	fmt.Println("p50 <= p99 <= max:", rep.Total.P50 <= rep.Total.P99 && rep.Total.P99 <= rep.Total.Max)
	// Output:
	// every request answered: true
	// all 200: true errors: 0
	// p50 <= p99 <= max: true
}
