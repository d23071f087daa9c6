package migrate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

// FuzzDDL: for any schema that validates, building the database and its
// DDL never panics, every statement ends with a semicolon, and the target
// compared with itself needs no step.
func FuzzDDL(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*/schema.prisma")
	more, _ := filepath.Glob("../psl/testdata/valid/*/schema.prisma")
	for _, name := range append(files, more...) {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("model A {\n  id String @id @default(\"x'y\") @map(\"a\\\"b\")\n  @@map(\"t\\\"\")\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := psl.Load("fuzz.prisma", src)
		if err != nil {
			return
		}
		db := migrate.FromSchema(s)
		plan := migrate.Diff(nil, db)
		for _, st := range plan.Steps {
			if !strings.HasSuffix(st.SQL, ";") {
				t.Fatalf("step %s %s does not end with ';':\n%s", st.Kind, st.Object, st.SQL)
			}
		}
		_ = plan.SQL()
		if again := migrate.Diff(db, db); !again.Empty() {
			t.Fatalf("a database differs from itself:\n%s", again.SQL())
		}
	})
}
