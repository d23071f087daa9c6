package demo

import (
	"encoding/json"
	"net/http"

	"github.com/polystore/polystore/internal/sse"
	"github.com/polystore/polystore/web"
)

// Handler serves the dashboard and the systems' APIs:
//
//	GET  /                 the index page (web/index.html)
//	GET  /api/systems      the registered systems as JSON
//	GET  /web/...          shared assets and pages' files (package web)
//	GET  /events/{topic}   server-sent events (one topic per system)
//	GET  /<name>/          the system's page (web/<name>/index.html)
//	     /<name>/...       the system's Handler, prefix stripped
//
// Everything else goes to fallback (e.g. /healthz), when not nil.
func Handler(infos []Info, systems []System, hub *sse.Hub, fallback http.Handler) http.Handler {
	mux := http.NewServeMux()
	if fallback != nil {
		mux.Handle("/", fallback)
	}
	mux.Handle("GET /{$}", web.Index())
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.Handle("GET /web/", web.Handler(web.FindDir()))
	if hub != nil {
		mux.Handle("GET /events/{topic}", hub)
	}
	if infos == nil {
		infos = []Info{}
	}
	mux.HandleFunc("GET /api/systems", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(infos)
	})
	for _, s := range systems {
		name := s.Info().Name
		mux.Handle("GET /"+name+"/{$}", web.Page(name))
		mux.Handle("/"+name+"/", http.StripPrefix("/"+name, s.Handler()))
	}
	return mux
}
