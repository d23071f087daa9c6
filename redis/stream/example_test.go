package stream_test

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/redis/stream"
)

func ExampleNewWorker() {
	s := stream.New(nil, "orders", &stream.Options{MaxLen: 10_000})
	_, err := stream.NewWorker(s, stream.WorkerOpts{Group: "billing"},
		func(ctx context.Context, m stream.Message[map[string]any]) error { return nil })
	fmt.Println(err)
	// Output: stream: invalid options: Group, Consumer and a handler are required
}
