// Package loadgen drives open-loop, constant-rate load and reports latency
// percentiles (p50/p99/p99.9/max) live and at the end.
//
// Open loop means requests are sent on a fixed schedule whatever the
// server's answers take: a slow server cannot slow the generator down and
// hide its own latency (the "coordinated omission" of closed-loop load).
// The pacing and the workers come from vegeta (github.com/tsenart/vegeta/v12)
// used as a library; latencies go into its t-digest estimators, one for the
// whole run and one per snapshot interval.
//
// A run targets a URL (a real server), an http.Handler in-process
// (HandlerClient) or a plain function (FuncHandler + HandlerClient), so
// `polystore demo`, the benchmarks in bench/ and the reference systems'
// tests share one generator:
//
//	rep, err := loadgen.Run(ctx, loadgen.Config{
//		Rate:     2000,
//		Duration: 10 * time.Second,
//		Client:   loadgen.HandlerClient(handler),
//		Targeter: loadgen.Static(http.MethodGet, "http://app/products", nil, nil),
//		OnSnapshot: func(s loadgen.Snapshot) { fmt.Println(s.Rate, s.Window.P99) },
//	})
//
// Two engines send the requests. EngineVegeta (the default) is vegeta's
// attacker and a net/http client: any Client, including HandlerClient.
// EngineRaw speaks HTTP/1.1 itself over keep-alive TCP connections to
// Config.Addr with prebuilt request bytes (Config.Request, AppendRequest)
// and parses no more of an answer than its status and framing: a few
// times less CPU per request (BenchmarkEngines), for benchmarks whose
// generator shares the machine with the server. Its latencies run from
// each request's scheduled send time, so they include any lag of the
// generator itself.
//
// Targeter builds each request (a unique body or Idempotency-Key per request
// is a Targeter's job); OnResult sees every answer, e.g. to chain follow-up
// requests.
package loadgen
