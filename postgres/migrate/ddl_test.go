package migrate_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file (run with -update)")
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func loadSchema(t testing.TB, path string) *psl.Schema {
	t.Helper()
	s, err := psl.LoadFile(path)
	require.NoError(t, err)
	return s
}

// goldenSchemas lists every golden schema of postgres/psl and
// postgres/migrate: testdata/ddl/<case> here and psl's
// testdata/valid/<case>, each a folder with schema.prisma or, for a
// multi-file schema, a schema/ folder of .prisma files.
func goldenSchemas(t testing.TB) []string {
	t.Helper()
	var dirs []string
	for _, glob := range []string{"testdata/ddl/*/schema.prisma", "testdata/ddl/*/schema", "../psl/testdata/valid/*/schema.prisma"} {
		m, err := filepath.Glob(glob)
		require.NoError(t, err)
		for _, p := range m {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	require.NotEmpty(t, dirs)
	return dirs
}

// TestDDLGolden: for every golden schema that Prisma 7 accepted (make
// prisma-fixtures recorded prisma.sql beside it), the migration from an
// empty database is byte for byte what Prisma's schema engine writes;
// a testdata/ddl case without a reference matches its migration.sql.
func TestDDLGolden(t *testing.T) {
	for _, dir := range goldenSchemas(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			s := loadSchema(t, schemaIn(dir))
			plan := migrate.Diff(nil, migrate.FromSchema(s))
			require.Empty(t, plan.Destructive())
			want, err := os.ReadFile(filepath.Join(dir, "prisma.sql"))
			switch {
			case err == nil:
				// Prisma knows no partitioning: apart from the PARTITION BY
				// clause and the partitions, the DDL is Prisma's.
				if diff := cmp.Diff(string(want), withoutPartitions(plan.SQL())); diff != "" {
					t.Fatalf("differs from Prisma 7's migration (-prisma +polystore):\n%s", diff)
				}
			case filepath.Base(filepath.Dir(dir)) == "ddl":
				// No reference recorded: polystore's own golden file.
				golden(t, filepath.Join(dir, "migration.sql"), plan.SQL())
			}
			// The target compared with itself needs nothing.
			require.True(t, migrate.Diff(migrate.FromSchema(s), migrate.FromSchema(s)).Empty())
		})
	}
}

var (
	partitionByRE = regexp.MustCompile(`\) PARTITION BY [A-Z]+ \([^)]*\);`)
	partitionOfRE = regexp.MustCompile(`(?m)^CREATE TABLE [^\n]* PARTITION OF [^\n]*;\n`)
)

// withoutPartitions removes what polystore adds to Prisma's DDL for
// @@polystore.partition.
func withoutPartitions(sql string) string {
	return partitionOfRE.ReplaceAllString(partitionByRE.ReplaceAllString(sql, ");"), "")
}

// unappliable names the golden schemas Prisma 7 accepts whose migration
// (Prisma's and polystore's alike) PostgreSQL refuses, so the tests that
// run it on a database skip them: the DDL is still compared.
var unappliable = map[string]string{
	"map_empty":                    `@map("") and @@map(""): PostgreSQL has no zero-length identifiers`,
	"enum_value_map_dup":           `two enum values mapped to one label, and a value mapped to "": PostgreSQL refuses the type`,
	"enum_table_type_clash":        `an enum @@map'ped to a table's name: the table's row type takes the name, PostgreSQL refuses the second`,
	"relation_fk_natives_mismatch": `a foreign key from VARCHAR(36) to UUID: Prisma checks the scalar types only, PostgreSQL refuses the key`,
}

// skipUnappliable skips a test that applies the schema of dir.
func skipUnappliable(t *testing.T, dir string) {
	t.Helper()
	if why, ok := unappliable[filepath.Base(dir)]; ok {
		t.Skip(why)
	}
}

// schemaIn returns the schema of a golden case folder: its schema.prisma,
// else its schema/ folder.
func schemaIn(dir string) string {
	if p := filepath.Join(dir, "schema.prisma"); fileExists(p) {
		return p
	}
	return filepath.Join(dir, "schema")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestDiffGolden: for every testdata/diffs/<case>, the migration from
// from.prisma to to.prisma is Prisma 7's (prisma.sql, recorded by make
// prisma-fixtures with prisma migrate diff --from-schema --to-schema),
// apart from the warnings comment Prisma writes only in migrate dev.
func TestDiffGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/diffs/*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			from := migrate.FromSchema(loadSchema(t, filepath.Join(dir, "from.prisma")))
			to := migrate.FromSchema(loadSchema(t, filepath.Join(dir, "to.prisma")))
			want, err := os.ReadFile(filepath.Join(dir, "prisma.sql"))
			require.NoError(t, err)
			plan := migrate.Diff(from, to)
			got := plan.Script()
			require.Equal(t, got, warningsRE.ReplaceAllString(plan.SQL(), ""))
			if dev, ok := diffDeviations[filepath.Base(dir)]; ok {
				want = []byte(dev.Replace(string(want)))
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Fatalf("differs from Prisma 7's migration (-prisma +polystore):\n%s", diff)
			}
		})
	}
}

// diffDeviations lists where polystore writes other SQL than Prisma 7 on
// purpose: Prisma's statement fails on PostgreSQL.
var diffDeviations = map[string]*strings.Replacer{
	// An autoincrement column changing its integer type (alone, or as a
	// primary key a foreign key points at): PostgreSQL has no types SERIAL
	// or BIGSERIAL to change to (they are shorthands of CREATE TABLE only);
	// the column's sequence and default stay, so the integer type is enough.
	"serial_to_bigserial": strings.NewReplacer("SET DATA TYPE BIGSERIAL", "SET DATA TYPE BIGINT",
		"SET DATA TYPE SERIAL", "SET DATA TYPE INTEGER"),
	"pk_type_change_with_fk":         strings.NewReplacer("SET DATA TYPE BIGSERIAL", "SET DATA TYPE BIGINT"),
	"autoinc_bigint_to_int_and_drop": strings.NewReplacer("SET DATA TYPE SERIAL", "SET DATA TYPE INTEGER"),
	// autoincrement() dropped where no column of the new schema keeps
	// one: Prisma 7 also drops the sequence by the name it gives every
	// sequence of a schema file, "" (which fails); the sequence stays,
	// owned by its column, as after Prisma's own DROP DEFAULT elsewhere.
	"default_changes_more": strings.NewReplacer("DROP SEQUENCE \"\";\n", ""),
	// autoincrement() replaced by a literal default: Prisma 7 sets the
	// new default, drops it again and drops a sequence named "" (which
	// fails); the new default is all there is to do.
	"default_to_dbgen": strings.NewReplacer("ALTER COLUMN \"c\" SET DEFAULT 5,\nALTER COLUMN \"c\" DROP DEFAULT;\nDROP SEQUENCE \"\";",
		"ALTER COLUMN \"c\" SET DEFAULT 5;"),
	// A primary key that gains a column and a name at once: Prisma 7 drops
	// and adds it under the new name, then renames the dropped one (which
	// fails).
	"pk_add_col": strings.NewReplacer("ALTER TABLE \"T\" RENAME CONSTRAINT \"T_pkey\" TO \"t_pk\";\n", ""),
	// A model moved to another database schema while a foreign key points
	// at it: Prisma 7 compares the key by table name only, so it drops
	// the old table under the key (which fails) and never points the key
	// at the new one. The key is dropped first and added again.
	"model_moved_schema":      movedSchemaFK(`"b"."M"`),
	"model_moved_schema_back": movedSchemaFK(`"a"."M"`),
}

// movedSchemaFK turns Prisma's script for a referenced model moved to
// another schema into polystore's: the foreign key to it dropped first and
// added again to the moved table.
func movedSchemaFK(target string) *strings.Replacer {
	return strings.NewReplacer(
		"-- AlterTable\nALTER TABLE \"a\".\"N\"",
		"-- DropForeignKey\nALTER TABLE \"a\".\"N\" DROP CONSTRAINT \"N_mId_fkey\";\n\n-- AlterTable\nALTER TABLE \"a\".\"N\"",
		"CONSTRAINT \"M_pkey\" PRIMARY KEY (\"id\")\n);\n",
		"CONSTRAINT \"M_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- AddForeignKey\nALTER TABLE \"a\".\"N\" ADD CONSTRAINT \"N_mId_fkey\" FOREIGN KEY (\"mId\") REFERENCES "+target+"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n")
}

var warningsRE = regexp.MustCompile(`(?s)^/\*\n  Warnings:.*?\n\*/\n`)
