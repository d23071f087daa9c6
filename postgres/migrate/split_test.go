package migrate_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/migrate"
)

func TestSplitStatements(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"simple", "SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"no trailing semicolon", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "SELECT 2"}},
		{"quotes", `INSERT INTO "a;b" VALUES ('x;''y');`, []string{`INSERT INTO "a;b" VALUES ('x;''y')`}},
		{"comments", "-- a; b\nSELECT 1; /* c; /* nested; */ d; */ SELECT 2;", []string{"-- a; b\nSELECT 1", "/* c; /* nested; */ d; */ SELECT 2"}},
		{"dollar", "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; SELECT $$;$$;", []string{"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql", "SELECT $$;$$"}},
		{"only comments", "-- CreateTable\n;\n-- done\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, migrate.SplitStatements(tc.in))
		})
	}
}

// FuzzSplitStatements: splitting never panics and never invents text:
// every statement is a substring of the script.
func FuzzSplitStatements(f *testing.F) {
	f.Add("SELECT 1; SELECT 'a;b'; -- x;\n/* y; */ SELECT $t$;$t$;")
	f.Add("$")
	f.Add("'unterminated; SELECT 1")
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range migrate.SplitStatements(s) {
			if !strings.Contains(s, st) {
				t.Fatalf("statement %q not in script", st)
			}
		}
	})
}
