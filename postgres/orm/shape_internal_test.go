package orm

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

func shapeSchema() (u, p *Model) {
	u = &Model{Name: "SU", Fields: []*Field{
		{Name: "id", Type: Int}, {Name: "email", Type: String}, {Name: "name", Type: String, Nullable: true},
		{Name: "tags", Type: String, List: true}, {Name: "views", Type: Int}, {Name: "at", Type: DateTime},
		{Name: "meta", Type: JSON, Nullable: true},
	}, PrimaryKey: []string{"id"}, Relations: []*Relation{{Name: "posts", Kind: OneToMany, Model: "SP", Inverse: "author"}}}
	p = &Model{Name: "SP", Fields: []*Field{{Name: "id", Type: Int}, {Name: "title", Type: String}, {Name: "authorId", Type: Int}},
		PrimaryKey: []string{"id"}, Relations: []*Relation{{Name: "author", Kind: ManyToOne, Model: "SU", Fields: []string{"authorId"}, References: []string{"id"}}}}
	MustSchema(u, p)
	return u, p
}

// shapeCases build find arguments of one shape from a value; cached says
// whether the statement cache takes the shape.
var shapeCases = []struct {
	name   string
	cached bool
	args   func(v int) *FindArgs
}{
	{"unique", true, func(v int) *FindArgs { return &FindArgs{Where: Where{Eq("id", v)}, Take: 1} }},
	{"ops", true, func(v int) *FindArgs {
		return &FindArgs{Where: Where{
			&FieldCond{Field: "email", Op: OpContains, Value: fmt.Sprintf("a%%_%d", v)},
			&FieldCond{Field: "name", Op: OpStartsWith, Value: "B" + fmt.Sprint(v), Insensitive: true},
			&FieldCond{Field: "email", Op: OpEquals, Value: fmt.Sprint(v), Insensitive: true},
			&FieldCond{Field: "id", Op: OpIn, Value: []int{v, v + 1}},
			&FieldCond{Field: "email", Op: OpNotIn, Value: []string{"x", fmt.Sprint(v)}, Insensitive: true},
			&FieldCond{Field: "views", Op: OpGt, Value: v},
			&FieldCond{Field: "tags", Op: OpHasSome, Value: []string{fmt.Sprint(v)}},
			&FieldCond{Field: "tags", Op: OpEquals, Value: []string{"a", fmt.Sprint(v)}},
			&FieldCond{Field: "at", Op: OpLt, Value: time.Date(2024, 6, 1, 12, v, 0, 0, time.FixedZone("", 7200))},
		}, OrderBy: []Order{Desc("views"), {Field: "name", Nulls: NullsLast}}, Take: 10 + v, Skip: v}
	}},
	{"select-include", true, func(v int) *FindArgs {
		return &FindArgs{Select: []string{"id", "email"}, Take: v + 1, Include: []Include{
			{Relation: "posts", Args: &FindArgs{Where: Where{&FieldCond{Field: "title", Op: OpEndsWith, Value: fmt.Sprint(v)}}, Take: 3, Skip: v,
				Include: []Include{{Relation: "author"}}}},
		}, Count: []CountOf{{Relation: "posts"}}}
	}},
	{"null", false, func(v int) *FindArgs { return &FindArgs{Where: Where{Eq("name", nil), Gt("views", v)}} }},
	{"json", false, func(v int) *FindArgs { return &FindArgs{Where: Where{Eq("meta", map[string]any{"v": v})}} }},
	{"or", false, func(v int) *FindArgs { return &FindArgs{Where: Where{Or{{Eq("id", v)}, {Eq("id", v+1)}}}} }},
	{"cursor", false, func(v int) *FindArgs { return &FindArgs{Cursor: Where{Eq("id", v)}, Take: 2} }},
	{"shared-cond", false, func(v int) *FindArgs { c := Eq("id", v); return &FindArgs{Where: Where{c, c}} }},
}

// A cached shape gives, for other values, exactly the SQL text and bind
// parameters the compiler gives; shapes the cache does not take compile
// as before.
func TestShapeCacheMatchesCompiler(t *testing.T) {
	u, _ := shapeSchema()
	for _, join := range []bool{true, false} {
		for _, tc := range shapeCases {
			t.Run(fmt.Sprintf("%s/join=%v", tc.name, join), func(t *testing.T) {
				for v := 1; v <= 3; v++ {
					var direct compiler
					wantSQL, wantCols, err := direct.topSelect(u, tc.args(v), join)
					if err != nil {
						t.Fatal(err)
					}
					var c compiler
					fa := tc.args(v)
					cf, err := cachedSelect(u, &c, nil, func(w *shapeWalk) bool {
						w.key = append(w.key, 'T', flag(join))
						return w.level(u, fa, join)
					}, func() (string, []string, error) { return c.topSelect(u, fa, join) })
					if err != nil {
						t.Fatal(err)
					}
					if cf.sql != wantSQL || !reflect.DeepEqual(cf.cols, wantCols) || !reflect.DeepEqual(cf.args, direct.args) {
						t.Fatalf("v=%d: cached\n%s %v\nwant\n%s %v", v, cf.sql, cf.args, wantSQL, direct.args)
					}
					if got := cf.entry != nil; got != tc.cached {
						t.Fatalf("v=%d: cached %v, want %v", v, got, tc.cached)
					}
				}
			})
		}
	}
}

// A value the compiler rejects is rejected the same way on a cached
// shape: the hit falls back to the compiler.
func TestShapeCacheBadValue(t *testing.T) {
	u, _ := shapeSchema()
	find := func(v any) (compiledFind, error) {
		var c compiler
		fa := &FindArgs{Where: Where{Eq("views", v)}}
		return cachedSelect(u, &c, nil, func(w *shapeWalk) bool { return w.level(u, fa, true) },
			func() (string, []string, error) { return c.topSelect(u, fa, true) })
	}
	if cf, err := find(1); err != nil || cf.entry == nil {
		t.Fatal(err, cf.entry)
	}
	var direct compiler
	_, _, want := direct.topSelect(u, &FindArgs{Where: Where{Eq("views", "many")}}, true)
	_, err := find("many")
	if want == nil || err == nil || err.Error() != want.Error() {
		t.Fatalf("got %v, want %v", err, want)
	}
}

// Concurrent finds of several shapes with their own values each get
// their own bind parameters (invariant: args equal the compiler's for the
// same arguments), with the cache filling and starting over meanwhile.
func TestShapeCacheConcurrent(t *testing.T) {
	u, _ := shapeSchema()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				tc := shapeCases[(g+i)%3]
				v := g*1000 + i
				fa := tc.args(v)
				if i%50 == 0 {
					// Shapes of their own, so the cache overflows and is cleared.
					fa.Take = 0
					fa.Select = []string{"id", "email", "views"}[:1+(g+i)%3]
				}
				var direct compiler
				_, _, _ = direct.topSelect(u, tc.args(v), true)
				if i%50 == 0 {
					direct = compiler{}
					_, _, _ = direct.topSelect(u, fa, true)
				}
				var c compiler
				cf, err := cachedSelect(u, &c, nil, func(w *shapeWalk) bool { return w.level(u, fa, true) },
					func() (string, []string, error) { return c.topSelect(u, fa, true) })
				if err != nil || !reflect.DeepEqual(cf.args, direct.args) {
					errs <- fmt.Errorf("goroutine %d, call %d: %v: %v, want %v", g, i, err, cf.args, direct.args)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

type shapeRole string

type shapeRoleM string

func (shapeRoleM) Valid() bool { return true }

// Named basic types without methods (generated enums) are scanned through
// their unnamed type; types with methods are left to pgx.
func TestScanType(t *testing.T) {
	for _, tc := range []struct{ in, want reflect.Type }{
		{reflect.TypeFor[shapeRole](), reflect.TypeFor[string]()},
		{reflect.TypeFor[*shapeRole](), reflect.TypeFor[*string]()},
		{reflect.TypeFor[shapeRoleM](), reflect.TypeFor[shapeRoleM]()},
		{reflect.TypeFor[string](), reflect.TypeFor[string]()},
		{reflect.TypeFor[[]shapeRole](), reflect.TypeFor[[]shapeRole]()},
		{reflect.TypeFor[time.Duration](), reflect.TypeFor[time.Duration]()},
	} {
		if got := scanType(tc.in); got != tc.want {
			t.Errorf("scanType(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
