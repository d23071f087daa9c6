package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// walkSources calls fn for every file and folder under root except
// dependencies, golden data and git's own (node_modules, vendor, testdata,
// .git), which it does not enter.
func walkSources(root string, fn func(path string, d fs.DirEntry) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "testdata", ".git", "vendor":
				return filepath.SkipDir
			}
		}
		return fn(path, d)
	})
}

// repoRoot is the module root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "repocheck must run from internal/repocheck")
	return root
}

var (
	// A calendar date in a string: 2026-11-25, but not Go's layout date.
	dateString = regexp.MustCompile(`\b(19|20)\d\d-[01]\d-[0-3]\d\b`)
	// Names that read a clock or carry an expiry.
	clockName = regexp.MustCompile(`(?i)^(now|since|until)$|expire|ttl|deadline|retention|^exp$|expiresat`)
	// SQL that reads the server's clock.
	clockSQL = regexp.MustCompile(`(?i)\bnow\(\)|current_timestamp|current_date|localtimestamp`)
)

// finding is one test function that mixes a written date with a clock.
type finding struct {
	pos   token.Position
	fn    string
	date  string
	clock string
}

func scanFile(fset *token.FileSet, f *ast.File) []finding {
	var out []finding
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		if funcSaysClockFree(f, fd) {
			continue
		}
		var date, clock string
		var datePos token.Pos
		ast.Inspect(fd, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				if d := literalDate(x); d != "" && date == "" {
					date, datePos = d, x.Pos()
				}
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					s, _ := strconv.Unquote(x.Value)
					if !strings.Contains(s, "2006-01-02") && dateString.MatchString(s) && date == "" {
						date, datePos = dateString.FindString(s), x.Pos()
					}
					if clockSQL.MatchString(s) && clock == "" {
						clock = clockSQL.FindString(s)
					}
				}
			case *ast.Ident:
				if clockName.MatchString(x.Name) && clock == "" {
					clock = x.Name
				}
			}
			return true
		})
		if date != "" && clock != "" {
			out = append(out, finding{pos: fset.Position(datePos), fn: fd.Name.Name, date: date, clock: clock})
		}
	}
	return out
}

// unixFloor is 2001-09-09 in the unit of each time.Unix* constructor:
// smaller literals are durations or test values, not dates.
var unixFloor = map[string]int64{"Unix": 1e9, "UnixMilli": 1e12, "UnixMicro": 1e15}

// literalDate recognises time.Date(<literal year>, ...) and
// time.Unix*(<literal of at least 10^9 seconds>).
func literalDate(c *ast.CallExpr) string {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || len(c.Args) == 0 {
		return ""
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name != "time" {
		return ""
	}
	lit, ok := c.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.INT {
		return ""
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(lit.Value, "_", ""), 0, 64)
	if err != nil {
		return ""
	}
	if sel.Sel.Name == "Date" && v >= 1900 {
		return "time.Date(" + lit.Value + ", ...)"
	}
	if min, ok := unixFloor[sel.Sel.Name]; ok && v >= min {
		return "time." + sel.Sel.Name + "(" + lit.Value + ")"
	}
	return ""
}

// funcSaysClockFree reports whether a comment in or just above fd says
// "clock-free:".
func funcSaysClockFree(f *ast.File, fd *ast.FuncDecl) bool {
	from := fd.Pos()
	if fd.Doc != nil {
		from = fd.Doc.Pos()
	}
	for _, cg := range f.Comments {
		if cg.Pos() >= from && cg.End() <= fd.End() && strings.Contains(cg.Text(), "clock-free:") {
			return true
		}
	}
	return false
}

func TestNoDateBombs(t *testing.T) {
	root := repoRoot(t)
	fset := token.NewFileSet()
	var found []finding
	err := walkSources(root, func(path string, d fs.DirEntry) error {
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		found = append(found, scanFile(fset, f)...)
		return nil
	})
	require.NoError(t, err)
	for _, f := range found {
		rel, _ := filepath.Rel(root, f.pos.Filename)
		t.Errorf("%s:%d: %s writes the date %s and reads the clock or an expiry (%s): compute the date from the current time (internal/testclock) or, if it is never compared with a clock, add a comment with \"clock-free:\" saying why",
			rel, f.pos.Line, f.fn, f.date, f.clock)
	}
}

// TestScanFile proves the check finds the defect it is for and lets the
// documented exception through.
func TestScanFile(t *testing.T) {
	const src = `package p

func TestBomb(t *testing.T) {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	require.Equal(t, day.UnixMilli(), pexpiretime(day))
}

func TestRelative(t *testing.T) {
	day := time.Now().AddDate(0, 0, 1)
	require.Equal(t, day.UnixMilli(), pexpiretime(day))
}

// clock-free: calendar arithmetic only.
func TestPure(t *testing.T) {
	_ = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC).Add(ttl)
}

func TestSQL(t *testing.T) {
	exec("SELECT * FROM t WHERE at < now() AND day = '2024-01-02'")
}

func TestUnix(t *testing.T) {
	c := time.Unix(1_800_000_000, 0)
	_ = c.Add(time.Since(c))
}

func TestLayout(t *testing.T) {
	_ = time.Now().Format("2006-01-02")
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p_test.go", src, parser.ParseComments)
	require.NoError(t, err)
	var names []string
	for _, x := range scanFile(fset, f) {
		names = append(names, x.fn)
	}
	require.Equal(t, []string{"TestBomb", "TestSQL", "TestUnix"}, names)
}
