package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/polystore/polystore/web"
)

func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", web.Index())
	mux.Handle("GET /web/", web.Handler(web.FindDir()))
	mux.Handle("GET /shop/{$}", web.Page("shop"))
	for _, path := range []string{"/", "/web/app.css", "/shop/"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(path, rec.Code)
	}
	// Output:
	// / 200
	// /web/app.css 200
	// /shop/ 200
}
