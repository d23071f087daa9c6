// Package web is polystore's dashboard: an index page linking the reference
// systems and one page per system, embedded in the binary with go:embed and
// served by `polystore serve` and `polystore demo`.
//
// Layout: index.html, app.js and app.css are shared; each system has its own
// folder web/<name>/ with an index.html (and its .js/.css files directly in
// that folder), served at /<name>/. Shared assets are under /web/, e.g.
// /web/app.js and /web/shop/shop.js. Pages receive live updates over
// server-sent events from /events/<name> (see internal/sse).
//
// Charts use uPlot, an npm dependency pinned by package-lock.json. `npm ci`
// in web/ copies its built files into web/vendor/ (gitignored), which the Go
// build embeds when present, so a fresh clone builds without Node. When the
// binary was built without them, Handler looks for web/vendor/ and
// web/node_modules/uplot/dist/ on disk (from the working directory up); when
// neither exists, /web/vendor/ answers 404 and the pages show their numbers
// without charts, with a note saying to run `npm ci` in web/.
// InstallCharts runs that `npm ci` (polystore demo does, on a fresh clone).
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

//go:embed index.html app.js app.css vendor */*.html */*.js */*.css
var files embed.FS

// FS returns the embedded files.
func FS() fs.FS { return files }

// ChartFiles are the uPlot files the pages load from /web/vendor/.
var ChartFiles = []string{"uPlot.iife.min.js", "uPlot.min.css"}

// chartSources maps a vendor file to where it sits under node_modules.
var chartSources = map[string]string{
	"uPlot.iife.min.js": "node_modules/uplot/dist/uPlot.iife.min.js",
	"uPlot.min.css":     "node_modules/uplot/dist/uPlot.min.css",
}

// Embedded reports whether the chart library was embedded at build time.
func Embedded() bool {
	_, err := fs.Stat(files, "vendor/"+ChartFiles[0])
	return err == nil
}

// FindDir returns the web/ folder of a polystore checkout at or above the
// working directory, or "" when there is none.
func FindDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "web", "package.json")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "web", "web.go")); err == nil {
				return filepath.Join(dir, "web")
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// chartFile returns the path on disk of a vendor file, or "".
func chartFile(webDir, name string) string {
	if webDir == "" {
		return ""
	}
	for _, p := range []string{filepath.Join(webDir, "vendor", name), filepath.Join(webDir, filepath.FromSlash(chartSources[name]))} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// ChartsAvailable reports whether the pages will get their chart library,
// embedded or from webDir on disk (FindDir's answer; "" means none).
func ChartsAvailable(webDir string) bool {
	return Embedded() || chartFile(webDir, ChartFiles[0]) != ""
}

// Handler serves the files under /web/ (mount it with
// mux.Handle("GET /web/", web.Handler(web.FindDir()))). Vendor files come
// from the binary when embedded, else from webDir on disk.
func Handler(webDir string) http.Handler {
	static := http.StripPrefix("/web/", http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, isVendor := strings.CutPrefix(r.URL.Path, "/web/vendor/")
		if isVendor && !Embedded() {
			if _, known := chartSources[name]; known {
				if p := chartFile(webDir, name); p != "" {
					w.Header().Set("Cache-Control", "no-cache")
					http.ServeFile(w, r, p)
					return
				}
			}
			http.Error(w, "chart library missing: run `npm ci` in web/", http.StatusNotFound)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		static.ServeHTTP(w, r)
	})
}

// HasPage reports whether web/<name>/index.html exists, i.e. whether Page
// serves a page for the system rather than 404.
func HasPage(name string) bool {
	if name == "" || strings.ContainsAny(name, "/.") {
		return false
	}
	_, err := fs.Stat(files, name+"/index.html")
	return err == nil
}

// Page serves web/<name>/index.html, or 404 when the system has no page.
func Page(name string) http.Handler {
	if name == "" || strings.ContainsAny(name, "/.") {
		return http.NotFoundHandler()
	}
	return htmlFile(name + "/index.html")
}

// Index serves the index page.
func Index() http.Handler { return htmlFile("index.html") }

func htmlFile(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := fs.ReadFile(files, path)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(b)
	})
}
