package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/web"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestPagesAndAssets(t *testing.T) {
	code, body := get(t, web.Index(), "/")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "/api/systems")

	require.True(t, web.HasPage("shop"))
	require.False(t, web.HasPage("nosuch"))
	require.False(t, web.HasPage("../web"))
	require.False(t, web.HasPage(""))
	code, body = get(t, web.Page("shop"), "/shop/")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "/web/shop/shop.js")

	for _, bad := range []string{"", "nope", "../web", "shop/x", "."} {
		code, _ = get(t, web.Page(bad), "/x/")
		require.Equal(t, http.StatusNotFound, code, "page %q", bad)
	}

	h := web.Handler(web.FindDir())
	code, body = get(t, h, "/web/app.js")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "window.polystore")
	code, _ = get(t, h, "/web/shop/shop.js")
	require.Equal(t, http.StatusOK, code)
	code, _ = get(t, h, "/web/missing.js")
	require.Equal(t, http.StatusNotFound, code)
}

// The chart library comes from the binary, else from web/ on disk; with
// neither, /web/vendor/ answers 404 and the page runs without charts.
func TestChartLibrary(t *testing.T) {
	dir := web.FindDir()
	require.NotEmpty(t, dir, "the tests run inside the checkout")
	code, body := get(t, web.Handler(dir), "/web/vendor/uPlot.iife.min.js")
	if web.ChartsAvailable(dir) {
		require.Equal(t, http.StatusOK, code)
		require.Contains(t, body, "uPlot")
	} else {
		require.Equal(t, http.StatusNotFound, code)
		require.Contains(t, body, "npm ci")
	}
	if !web.Embedded() {
		code, body = get(t, web.Handler(""), "/web/vendor/uPlot.iife.min.js")
		require.Equal(t, http.StatusNotFound, code, "no checkout on disk: degraded mode")
		require.Contains(t, body, "npm ci")
	}
	code, _ = get(t, web.Handler(dir), "/web/vendor/other.js")
	require.Equal(t, http.StatusNotFound, code)
}
