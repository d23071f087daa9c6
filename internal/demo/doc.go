// Package demo is the platform the reference systems (apps/shop,
// apps/analytics, apps/tenancy, apps/trading) plug into: the System
// contract, the Env of stores each system gets, the Registry behind
// `polystore demo [name|all]` and `polystore serve`, the HTTP routes of the
// dashboard, and the runner that drives a scenario with live progress and
// a summary of the invariants it checked.
//
// # Adding a reference system
//
// Three places, nothing else to touch:
//
//  1. apps/<name>/ — the system. Implement System (see its methods'
//     contracts): Info (Name: lower-case letters only), Setup (migrate and
//     seed; idempotent, because serve runs it at every start on kept data;
//     start background workers), Handler (your API; it is mounted under
//     /<name>/ with the prefix stripped, so register "POST /orders" for
//     POST /<name>/orders), Run (drive load with internal/loadgen for
//     opts.Duration at opts.Rate, call progress about once a second, return a
//     Summary whose Checks are the invariants you verified; when ctx is
//     cancelled stop early and still check, under context.WithoutCancel),
//     Close (stop workers; data removal is the runner's job). Export a
//     constructor of type Factory, e.g. func NewSystem() demo.System.
//
//  2. web/<name>/index.html (plus .js and .css files directly in that
//     folder; the embed patterns are */*.html */*.js */*.css) —
//     the page, served at /<name>/; its files are at /web/<name>/...
//     Load /web/vendor/uPlot.min.css, /web/vendor/uPlot.iife.min.js (with
//     onerror="this.remove()") and /web/app.js, then your script. app.js
//     gives window.polystore: stream(name, {event: fn}) for the server-sent
//     events, chart(key, element, {series: [{label}]}) for live charts
//     (push(x, ...ys)), set(id, text) and fmt(value, unit). The browser
//     tests read window.polystore.charts[key].points().
//
//  3. one line in cmd/polystore/systems.go: add your Factory to the list.
//
// # What a system gets
//
// Env holds connections already isolated for the system: a pgxpool on a
// PostgreSQL database of its own, a rueidis client with a key prefix every
// key must start with (use hash tags inside it: RedisPrefix+"{id}:..."), a
// MongoDB database of its own, a logger, and Emit(event, data) which pushes
// JSON to the system's page over server-sent events (topic = Name). In the
// demo (ModeDemo) these are polystore_demo_<name> and polystore:demo:<name>:,
// emptied before the run and removed after it unless --keep; under serve
// (ModeServe) polystore_<name> and polystore:<name>:, kept between runs.
// Env.MongoEmbedded says MongoDB is the embedded FerretDB: keep it to inserts
// and reads there. Env.RedisEmbedded says Redis is the in-process stand-in.
//
// The runner publishes these events on the system's topic, besides the
// system's own: "state" {"phase": "setting up" | "sale running" | "done"},
// "progress" {"elapsed": s, "metrics": {key: value}} (every regular
// Progress, keyed by Metric.Key) and "summary" (the Summary as JSON). The
// last Progress of a run, when it covers only the moments since the previous
// one (the load stopped in between), is printed as a "load stopped" row of
// totals (FormatStopped) and not published: its rates and latencies would
// read as a collapse.
//
// # Tests
//
// TestEnv(t, name) gives a system's tests the same Env on the test servers
// (internal/devenv), removed at cleanup. Drive the System as the runner does:
// Setup, then Run with RunOptions{Duration, Rate} (BaseURL empty: call your
// handler in-process with loadgen.HandlerClient), then check the Summary.
// Page tests use internal/browsertest with Handler(...) on an httptest server.
package demo
