package browsertest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/browsertest"
)

const page = `<!doctype html><html><head><title>t</title></head><body>
<p id="n">0</p>
<script>
let n = 0;
setInterval(() => { n++; document.getElementById("n").textContent = String(n); }, 50);
window.polystore = { charts: { c: { points: () => n } }, chartsAvailable: false };
</script></body></html>`

// serve serves html at / and 204 elsewhere (favicon).
func serve(t *testing.T, html string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, html)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReadsLiveDOMAndScreenshot(t *testing.T) {
	srv := serve(t, page)
	b := browsertest.New(t)
	b.Navigate(srv.URL)
	got := b.WaitText("#n", 10*time.Second, func(s string) bool { return s != "0" && s != "" })
	require.NotEqual(t, "0", got)
	require.Greater(t, b.ChartPoints("c"), 0)
	require.Equal(t, -1, b.ChartPoints("missing"))
	require.False(t, b.ChartsDrawn())
	require.Equal(t, 42, browsertest.Eval[int](b, "6*7"))
	p := b.Screenshot("page.png")
	png, err := os.ReadFile(p)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(png), "\x89PNG"), "a PNG file")
}

func TestCollectsConsoleErrors(t *testing.T) {
	srv := serve(t, `<body><script>console.error("boom", 1); setTimeout(() => { throw new Error("thrown"); }, 10);</script></body>`)
	b := browsertest.New(t)
	b.Navigate(srv.URL)
	deadline := time.Now().Add(10 * time.Second)
	for len(b.ConsoleErrors()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	errs := b.AllowConsoleErrors()
	require.Len(t, errs, 2, "%v", errs)
	joined := strings.Join(errs, "\n")
	require.Contains(t, joined, "boom")
	require.Contains(t, joined, "thrown")
	require.Empty(t, b.ConsoleErrors())
}
