package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/sse"
	"github.com/polystore/polystore/web"
)

// ErrInvariant is returned by Run when a scenario's check failed.
var ErrInvariant = errors.New("an invariant check failed")

// RunConfig configures Run.
type RunConfig struct {
	// Systems to run, in order (Registry.Select).
	Systems []System
	// Infos of every registered system, for the index page.
	Infos []Info
	// Stores are the resolved servers.
	Stores *devenv.Env
	// Addr to serve the dashboard on; when AddrFallback is set and Addr is
	// taken, a free port is used instead.
	Addr         string
	AddrFallback bool
	// Duration and Rate of each scenario; Rate 0 means the system's default.
	Duration time.Duration
	Rate     int
	// Keep leaves the data in place instead of removing it at the end.
	Keep bool
	// Stay keeps serving the dashboard after the scenarios until ctx is done.
	Stay bool
	// Out receives the live progress rows and the summary.
	Out io.Writer
	// Logger receives diagnostics. Nil discards them.
	Logger *slog.Logger
	// Fallback serves what the dashboard does not (e.g. /healthz).
	Fallback http.Handler
	// Ready, when set, receives the dashboard's base URL once it listens.
	Ready func(baseURL string)
}

// CheckLoad reports whether a duration and a rate can drive a scenario:
// the duration must be positive and the rate not negative (0 means each
// system's default). Run checks them too; a command calls CheckLoad first
// so that a bad flag is reported before any store is looked for.
func CheckLoad(duration time.Duration, rate int) error {
	if duration <= 0 {
		return fmt.Errorf("demo: --duration must be > 0, got %s", duration)
	}
	if rate < 0 {
		return fmt.Errorf("demo: --rate must be >= 0, got %d", rate)
	}
	return nil
}

// Run sets up the systems, serves the dashboard, runs each system's
// scenario in turn with live progress, prints the summaries, and removes
// what it created (unless Keep). ctx cancelled (Ctrl-C) stops the running
// scenario early; its invariants are still checked and the data removed.
func Run(ctx context.Context, cfg RunConfig) (err error) {
	if len(cfg.Systems) == 0 {
		return errors.New("demo: no system to run")
	}
	if err := CheckLoad(cfg.Duration, cfg.Rate); err != nil {
		return err
	}
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	hub := sse.NewHub()
	defer hub.Close()

	cleanupCtx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	}
	var provisioned []*Provisioned
	var started []System
	defer func() {
		cctx, cancel := cleanupCtx()
		defer cancel()
		for i := len(started) - 1; i >= 0; i-- {
			if cerr := started[i].Close(cctx); cerr != nil {
				logger.Warn("close system", "system", started[i].Info().Name, "err", cerr)
			}
		}
		for _, p := range provisioned {
			if cerr := p.Close(cctx, !cfg.Keep); cerr != nil {
				err = errors.Join(err, cerr)
			}
		}
		if cfg.Keep {
			for _, p := range provisioned {
				pg, mg, rp := Names(p.Env.Name, ModeDemo)
				fmt.Fprintf(out, "kept %s: PostgreSQL database %s, MongoDB database %s, Redis keys %s*\n", p.Env.Name, pg, mg, rp)
			}
		} else if len(provisioned) > 0 {
			fmt.Fprintln(out, "removed the demo's databases and keys (--keep leaves them)")
		}
	}()

	for _, s := range cfg.Systems {
		info := s.Info()
		fmt.Fprintf(out, "setting up %s (%s)…\n", info.Name, info.Title)
		p, perr := Provision(ctx, cfg.Stores, info.Name, ModeDemo, logger)
		if perr != nil {
			return perr
		}
		provisioned = append(provisioned, p)
		topic := info.Name
		p.Env.Publish = func(event string, data any) { _ = hub.Publish(topic, event, data) }
		p.Env.Emit("state", map[string]string{"phase": "setting up"})
		if serr := s.Setup(ctx, p.Env); serr != nil {
			return fmt.Errorf("%s: setup: %w", info.Name, serr)
		}
		started = append(started, s)
	}

	l, lerr := net.Listen("tcp", cfg.Addr)
	if lerr != nil && cfg.AddrFallback {
		l, lerr = net.Listen("tcp", "127.0.0.1:0")
	}
	if lerr != nil {
		return fmt.Errorf("demo: listen on %s: %w", cfg.Addr, lerr)
	}
	srv := &http.Server{Handler: Handler(cfg.Infos, cfg.Systems, hub, cfg.Fallback), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	defer func() {
		hub.Close()
		sctx, cancel := cleanupCtx()
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	base := "http://" + l.Addr().String()
	if cfg.Ready != nil {
		cfg.Ready(base)
	}
	if dir := web.FindDir(); !web.ChartsAvailable(dir) {
		// A fresh checkout: fetch the chart library pinned by
		// web/package-lock.json once, as `make test` would.
		fmt.Fprintln(out, "installing the dashboard's chart library (npm ci in web/, once)…")
		if err := web.InstallCharts(ctx, dir); err != nil {
			fmt.Fprintf(out, "note: charts are off (%v); the pages show their numbers without them\n", err)
		}
	}

	failed := false
	for _, s := range cfg.Systems {
		if ctx.Err() != nil {
			break
		}
		info := s.Info()
		rate := cfg.Rate
		if rate == 0 {
			rate = max(info.DefaultRate, 1)
		}
		fmt.Fprintf(out, "\n%s — %s\n  dashboard: %s/%s/\n  %s of load at %d requests/s (Ctrl-C stops early)\n\n",
			info.Name, info.Title, base, info.Name, cfg.Duration, rate)
		emit := func(event string, data any) { _ = hub.Publish(info.Name, event, data) }
		emit("state", map[string]string{"phase": "sale running"})
		var rows rowWindows
		sum, rerr := s.Run(ctx, RunOptions{Duration: cfg.Duration, Rate: rate, BaseURL: base + "/" + info.Name},
			func(p Progress) {
				if rows.tail(p.Elapsed) {
					// Its rates and latencies cover the last moments only
					// and would read as a collapse; its totals are final.
					fmt.Fprintln(out, FormatStopped(p))
					return
				}
				fmt.Fprintln(out, FormatProgress(p))
				emit("progress", ProgressEvent(p))
			})
		if rerr != nil {
			return fmt.Errorf("%s: %w", info.Name, rerr)
		}
		emit("summary", sum)
		emit("state", map[string]string{"phase": "done"})
		fmt.Fprint(out, FormatSummary(info, sum))
		if !sum.OK() {
			failed = true
		}
	}
	if cfg.Stay && ctx.Err() == nil {
		fmt.Fprintf(out, "\nstill serving the dashboard at %s/ — Ctrl-C to stop\n", base)
		<-ctx.Done()
	}
	if failed {
		return ErrInvariant
	}
	return nil
}

// ProgressEvent is the JSON of the "progress" event of a Progress: {"elapsed":
// seconds, "metrics": {key: value}}.
func ProgressEvent(p Progress) map[string]any {
	m := make(map[string]float64, len(p.Metrics))
	for _, x := range p.Metrics {
		m[x.Key] = x.Value
	}
	return map[string]any{"elapsed": p.Elapsed.Seconds(), "metrics": m}
}

// FormatProgress formats a live row: "  3s  req/s 2000  p50 0.41ms ...".
func FormatProgress(p Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%5.0fs", p.Elapsed.Seconds())
	for _, m := range p.Metrics {
		if m.Label == "" {
			continue
		}
		b.WriteString("  ")
		b.WriteString(m.String())
	}
	return b.String()
}

// FormatStopped formats the last row of a run when it covers only the
// moments since the previous row (the load stopped in between): its running
// totals without the rates and latencies (metrics with unit "/s" or "ms"),
// which over so short a window would read as a collapse:
// "  20s  load stopped  sold 480  remaining 0 ...".
func FormatStopped(p Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%5.0fs  load stopped", p.Elapsed.Seconds())
	for _, m := range p.Metrics {
		if m.Label == "" || m.Unit == "/s" || m.Unit == "ms" {
			continue
		}
		b.WriteString("  ")
		b.WriteString(m.String())
	}
	return b.String()
}

// rowWindows tells the last, partial row of a run from the regular ones: a
// system reports about once a second and once more when the load ends, so
// a row whose window (the time since the previous row) is less than half
// the previous window is that last one.
type rowWindows struct {
	prev, window time.Duration
}

// tail records a row at elapsed and reports whether it is a partial last row.
func (r *rowWindows) tail(elapsed time.Duration) bool {
	w := elapsed - r.prev
	r.prev = elapsed
	if r.window > 0 && w < r.window/2 {
		return true
	}
	r.window = w
	return false
}

// FormatSummary formats a scenario's summary and its checks.
func FormatSummary(info Info, s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s summary\n", info.Name)
	for _, m := range s.Metrics {
		fmt.Fprintf(&b, "  %s\n", m.String())
	}
	b.WriteString("invariants\n")
	for _, c := range s.Checks {
		mark := "ok    "
		if !c.OK {
			mark = "FAILED"
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", mark, c.Name, c.Detail)
	}
	if s.OK() {
		b.WriteString("all invariants hold\n")
	}
	return b.String()
}
