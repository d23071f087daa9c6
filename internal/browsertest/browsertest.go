package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/web"
)

// EnvChromium overrides the Chromium binary.
const EnvChromium = "POLYSTORE_CHROMIUM"

// DefaultChromium is Debian's Chromium.
const DefaultChromium = "/usr/bin/chromium"

// Browser is one headless Chromium tab bound to a test.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	mu      sync.Mutex
	errors  []string
	stopped bool
	Timeout time.Duration // per action; default 20s
}

// Path returns the Chromium binary to use, or "" when none is installed.
func Path() string {
	p := os.Getenv(EnvChromium)
	if p == "" {
		p = DefaultChromium
	}
	if _, err := exec.LookPath(p); err != nil {
		return ""
	}
	return p
}

// New starts Chromium for the test and closes it at cleanup. At cleanup the
// test also fails when the page logged console errors or threw exceptions
// (see AllowConsoleErrors).
func New(t testing.TB) *Browser {
	t.Helper()
	path := Path()
	if path == "" {
		msg := "chromium is not installed (apt-get install chromium, or set " + EnvChromium + ")"
		if devenv.InCI() {
			t.Fatalf("browsertest: %s; CI=true makes this a failure", msg)
		}
		t.Skip("browsertest: " + msg)
	}
	if !web.ChartsAvailable(web.FindDir()) {
		// The pages link the chart library; without it they log 404s and
		// the test would fail on those, far from the cause.
		msg := "the dashboard's chart library (uPlot) is missing: run `cd web && npm ci` (make test does)"
		if devenv.InCI() {
			t.Fatalf("browsertest: %s; CI=true makes this a failure", msg)
		}
		t.Skip("browsertest: " + msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &Browser{t: t, ctx: ctx, Timeout: 20 * time.Second}
	// The first action starts the browser; it must not run under a timeout
	// context (that would stop the browser), so it is bounded by a watchdog.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			cancelCtx()
			cancelAlloc()
			t.Fatalf("browsertest: start %s: %v", path, err)
		}
	case <-time.After(60 * time.Second):
		cancelCtx()
		cancelAlloc()
		t.Fatalf("browsertest: %s did not start within 60s", path)
	}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.addError(m.String())
			}
		}
	}()
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		<-done
	})
	t.Cleanup(func() {
		if errs := b.ConsoleErrors(); len(errs) > 0 {
			t.Errorf("browsertest: the page logged %d error(s):\n%s", len(errs), strings.Join(errs, "\n"))
		}
	})
	return b
}

func (b *Browser) addError(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.stopped {
		b.errors = append(b.errors, s)
	}
}

// CheckConsole fails the test if the page logged errors so far, and stops
// recording: errors after it (a page losing its server while the test
// shuts down) are ignored. Without it the check runs at cleanup.
func (b *Browser) CheckConsole() {
	b.t.Helper()
	b.mu.Lock()
	errs := b.errors
	b.errors, b.stopped = nil, true
	b.mu.Unlock()
	if len(errs) > 0 {
		b.t.Errorf("browsertest: the page logged %d error(s):\n%s", len(errs), strings.Join(errs, "\n"))
	}
}

// ConsoleErrors returns the console errors and exceptions seen so far.
func (b *Browser) ConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// AllowConsoleErrors forgets the errors seen so far (for tests that provoke
// them on purpose) and returns them.
func (b *Browser) AllowConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	errs := b.errors
	b.errors = nil
	return errs
}

// Context returns the tab's context, for chromedp actions not wrapped here.
func (b *Browser) Context() context.Context { return b.ctx }

// Do runs chromedp actions with the per-action timeout; it fails the test
// on error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
	return v
}

// Navigate opens url and waits for the page's body.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Text returns the text content of the first element matching the CSS
// selector.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, chromedp.TextContent(chromedp.CSS(selector))))
}

// Eval evaluates a JavaScript expression and decodes its JSON value as T.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	return run(b, chromedp.Evaluate[T](expr))
}

// WaitText polls the element's text until ok accepts it or the timeout
// passes, and returns the last text.
func (b *Browser) WaitText(selector string, timeout time.Duration, ok func(string) bool) string {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := b.Text(selector)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browsertest: %s still shows %q after %s", selector, s, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ChartPoints returns the number of points of a dashboard chart
// (window.polystore.charts[name].points()), or -1 when there is no such chart.
func (b *Browser) ChartPoints(name string) int {
	b.t.Helper()
	return Eval[int](b, fmt.Sprintf(`(function(){const c = window.polystore && window.polystore.charts[%q]; return c ? c.points() : -1;})()`, name))
}

// ChartsDrawn reports whether the page draws its charts (uPlot loaded).
func (b *Browser) ChartsDrawn() bool {
	b.t.Helper()
	return Eval[bool](b, `!!(window.polystore && window.polystore.chartsAvailable)`)
}

// Screenshot writes a full-page PNG into the test's temp dir and returns
// its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := run(b, chromedp.FullScreenshot(100))
	dir := os.Getenv("POLYSTORE_SCREENSHOT_DIR")
	if dir == "" {
		dir = b.t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: write screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s (%d bytes)", p, len(png))
	return p
}
