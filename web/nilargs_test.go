package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/web"
)

// Empty names and directories never panic: an unknown page is a 404, an
// empty directory means the embedded files.
func TestNilAndEmptyArguments(t *testing.T) {
	serve := func(h http.Handler) error {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		return nil
	}
	nopanic.Run(t, []nopanic.Case{
		{Name: "Page empty", Call: func() error { return serve(web.Page("")) }},
		{Name: "Page unknown", Call: func() error { return serve(web.Page("../../etc/passwd")) }},
		{Name: "Handler empty dir", Call: func() error { return serve(web.Handler("")) }},
		{Name: "HasPage empty", Call: func() error { web.HasPage(""); return nil }},
		{Name: "ChartsAvailable empty dir", Call: func() error { web.ChartsAvailable(""); return nil }},
	})
}
