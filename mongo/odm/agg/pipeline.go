package agg

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// ErrInvalidPipeline is matched by every *BuildError with errors.Is.
var ErrInvalidPipeline = errors.New("agg: invalid pipeline")

// BuildError reports a mistake in a pipeline, found before it is sent.
type BuildError struct {
	// Stage is the 0-based index of the offending stage, -1 for the pipeline as a whole.
	Stage int
	// Op is the stage operator, e.g. "$limit".
	Op  string
	Msg string
}

func (e *BuildError) Error() string {
	if e.Stage < 0 {
		return "agg: " + e.Msg
	}
	return fmt.Sprintf("agg: stage %d (%s): %s", e.Stage, e.Op, e.Msg)
}

// Is makes errors.Is(err, ErrInvalidPipeline) true.
func (e *BuildError) Is(target error) bool { return target == ErrInvalidPipeline }

// Field is one named output of $group, $project, $addFields, $bucket or $facet.
type Field struct {
	Name  string
	Value any
}

// Acc names an accumulator output of Group or Bucket: Acc("total", Sum("$qty")).
func Acc(name string, acc bson.D) Field { return Field{Name: name, Value: acc} }

// F names a computed field for Project, AddFields and Set.
func F(name string, value Expr) Field { return Field{Name: name, Value: value} }

// Include keeps a field in Project.
func Include(name string) Field { return Field{Name: name, Value: 1} }

// Exclude drops a field in Project.
func Exclude(name string) Field { return Field{Name: name, Value: 0} }

// SortKey is one key of a $sort stage.
type SortKey struct {
	Field string
	Value any // 1, -1 or {$meta: "textScore"}
}

// Asc sorts by field ascending.
func Asc(field string) SortKey { return SortKey{Field: field, Value: 1} }

// Desc sorts by field descending.
func Desc(field string) SortKey { return SortKey{Field: field, Value: -1} }

// TextScore sorts by the $text relevance score, stored in field.
func TextScore(field string) SortKey {
	return SortKey{Field: field, Value: bson.D{{Key: "$meta", Value: "textScore"}}}
}

// Pipeline is an aggregation pipeline under construction. The zero value is
// an empty pipeline; methods append a stage and return the pipeline.
// A Pipeline is not safe for concurrent modification.
type Pipeline struct {
	stages   []bson.D
	errs     []error
	serverJS bool
}

// New returns an empty pipeline.
func New() *Pipeline { return &Pipeline{} }

func (p *Pipeline) add(name string, v any) *Pipeline {
	p.stages = append(p.stages, bson.D{{Key: name, Value: v}})
	return p
}

func (p *Pipeline) fail(name, format string, args ...any) *Pipeline {
	p.errs = append(p.errs, &BuildError{Stage: len(p.stages), Op: name, Msg: fmt.Sprintf(format, args...)})
	// Keep a placeholder so later stage indexes stay right.
	return p.add(name, nil)
}

// AllowServerJS permits $where, $function and $accumulator in this
// pipeline. Only use it when no part of the pipeline comes from user input.
func (p *Pipeline) AllowServerJS() *Pipeline {
	p.serverJS = true
	return p
}

// Match adds {$match: filter}.
func (p *Pipeline) Match(filter any) *Pipeline {
	if filter == nil {
		return p.fail("$match", "filter is nil (use bson.D{} to match everything)")
	}
	return p.add("$match", filter)
}

// Group adds {$group: {_id: id, name: accumulator...}}. id may be nil to
// group everything into one document.
func (p *Pipeline) Group(id Expr, fields ...Field) *Pipeline {
	d := bson.D{{Key: "_id", Value: id}}
	for _, f := range fields {
		if err := outputName(f.Name); err != "" {
			return p.fail("$group", "output %q: %s", f.Name, err)
		}
		if f.Name == "_id" {
			return p.fail("$group", "output _id is set by the id argument")
		}
		if strings.Contains(f.Name, ".") {
			return p.fail("$group", "output %q: field names in $group cannot contain '.'", f.Name)
		}
		d = append(d, bson.E{Key: f.Name, Value: f.Value})
	}
	return p.add("$group", d)
}

// Sort adds {$sort: {...}}.
func (p *Pipeline) Sort(keys ...SortKey) *Pipeline {
	if len(keys) == 0 {
		return p.fail("$sort", "needs at least one key")
	}
	d := make(bson.D, 0, len(keys))
	for _, k := range keys {
		if k.Field == "" || strings.HasPrefix(k.Field, "$") {
			return p.fail("$sort", "invalid field %q", k.Field)
		}
		d = append(d, bson.E{Key: k.Field, Value: k.Value})
	}
	return p.add("$sort", d)
}

func (p *Pipeline) fields(name string, fs []Field) *Pipeline {
	if len(fs) == 0 {
		return p.fail(name, "needs at least one field")
	}
	d := make(bson.D, 0, len(fs))
	for _, f := range fs {
		if err := outputName(f.Name); err != "" {
			return p.fail(name, "field %q: %s", f.Name, err)
		}
		d = append(d, bson.E{Key: f.Name, Value: f.Value})
	}
	return p.add(name, d)
}

// Project adds {$project: {...}} built from Include, Exclude and F.
func (p *Pipeline) Project(fields ...Field) *Pipeline { return p.fields("$project", fields) }

// AddFields adds {$addFields: {...}}.
func (p *Pipeline) AddFields(fields ...Field) *Pipeline { return p.fields("$addFields", fields) }

// Set adds {$set: {...}}, the alias of $addFields.
func (p *Pipeline) Set(fields ...Field) *Pipeline { return p.fields("$set", fields) }

// Unset adds {$unset: [paths...]}.
func (p *Pipeline) Unset(paths ...string) *Pipeline {
	if len(paths) == 0 {
		return p.fail("$unset", "needs at least one path")
	}
	a := make(bson.A, 0, len(paths))
	for _, s := range paths {
		if err := outputName(s); err != "" {
			return p.fail("$unset", "path %q: %s", s, err)
		}
		a = append(a, s)
	}
	return p.add("$unset", a)
}

// LookupSpec describes a $lookup. Set LocalField and ForeignField for an
// equality join, Pipeline (and Let) for a correlated sub-pipeline, or both
// (MongoDB 5.0+).
type LookupSpec struct {
	From         string
	LocalField   string
	ForeignField string
	Let          bson.D
	Pipeline     *Pipeline
	As           string
}

// Lookup adds a $lookup stage.
func (p *Pipeline) Lookup(s LookupSpec) *Pipeline {
	if s.From == "" || s.As == "" {
		return p.fail("$lookup", "From and As are required")
	}
	if (s.LocalField == "") != (s.ForeignField == "") {
		return p.fail("$lookup", "LocalField and ForeignField go together")
	}
	if s.LocalField == "" && s.Pipeline == nil {
		return p.fail("$lookup", "needs LocalField/ForeignField or a Pipeline")
	}
	if s.Let != nil && s.Pipeline == nil {
		return p.fail("$lookup", "Let needs a Pipeline")
	}
	d := bson.D{{Key: "from", Value: s.From}}
	if s.LocalField != "" {
		d = append(d, bson.E{Key: "localField", Value: s.LocalField}, bson.E{Key: "foreignField", Value: s.ForeignField})
	}
	if s.Let != nil {
		d = append(d, bson.E{Key: "let", Value: s.Let})
	}
	if s.Pipeline != nil {
		sub, err := s.Pipeline.build(true)
		if err != nil {
			return p.fail("$lookup", "sub-pipeline: %v", err)
		}
		d = append(d, bson.E{Key: "pipeline", Value: sub})
	}
	d = append(d, bson.E{Key: "as", Value: s.As})
	return p.add("$lookup", d)
}

// UnwindOpts are the options of $unwind.
type UnwindOpts struct {
	IncludeArrayIndex          string
	PreserveNullAndEmptyArrays bool
}

// Unwind adds {$unwind: "$path"}, or the document form when opts are set.
// path is a field name without the leading "$".
func (p *Pipeline) Unwind(path string, opts *UnwindOpts) *Pipeline {
	path = strings.TrimPrefix(path, "$")
	if err := outputName(path); err != "" {
		return p.fail("$unwind", "path %q: %s", path, err)
	}
	if opts == nil || (opts.IncludeArrayIndex == "" && !opts.PreserveNullAndEmptyArrays) {
		return p.add("$unwind", "$"+path)
	}
	d := bson.D{{Key: "path", Value: "$" + path}}
	if opts.IncludeArrayIndex != "" {
		d = append(d, bson.E{Key: "includeArrayIndex", Value: opts.IncludeArrayIndex})
	}
	if opts.PreserveNullAndEmptyArrays {
		d = append(d, bson.E{Key: "preserveNullAndEmptyArrays", Value: true})
	}
	return p.add("$unwind", d)
}

// Branch is one named sub-pipeline of Facet.
type Branch struct {
	Name     string
	Pipeline *Pipeline
}

// Facet adds {$facet: {name: [...], ...}}, branches in the given order.
func (p *Pipeline) Facet(branches ...Branch) *Pipeline {
	if len(branches) == 0 {
		return p.fail("$facet", "needs at least one branch")
	}
	d := make(bson.D, 0, len(branches))
	for _, b := range branches {
		if err := outputName(b.Name); err != "" {
			return p.fail("$facet", "branch %q: %s", b.Name, err)
		}
		if b.Pipeline == nil {
			return p.fail("$facet", "branch %q has no pipeline", b.Name)
		}
		for _, st := range b.Pipeline.stages {
			switch k := stageName(st); k {
			case "$facet", "$out", "$merge", "$geoNear", "$collStats", "$indexStats", "$planCacheStats":
				return p.fail("$facet", "branch %q: %s is not allowed inside $facet", b.Name, k)
			}
		}
		sub, err := b.Pipeline.build(true)
		if err != nil {
			return p.fail("$facet", "branch %q: %v", b.Name, err)
		}
		d = append(d, bson.E{Key: b.Name, Value: sub})
	}
	return p.add("$facet", d)
}

// Count adds {$count: field}.
func (p *Pipeline) Count(field string) *Pipeline {
	if err := outputName(field); err != "" || strings.Contains(field, ".") {
		return p.fail("$count", "invalid output field %q", field)
	}
	return p.add("$count", field)
}

// BucketSpec describes a $bucket stage.
type BucketSpec struct {
	GroupBy    Expr
	Boundaries []any // sorted, at least two
	Default    any   // bucket for values outside the boundaries; nil for none
	Output     []Field
}

// Bucket adds a $bucket stage.
func (p *Pipeline) Bucket(s BucketSpec) *Pipeline {
	if s.GroupBy == nil {
		return p.fail("$bucket", "GroupBy is required")
	}
	if len(s.Boundaries) < 2 {
		return p.fail("$bucket", "needs at least two boundaries")
	}
	d := bson.D{{Key: "groupBy", Value: s.GroupBy}, {Key: "boundaries", Value: bson.A(s.Boundaries)}}
	if s.Default != nil {
		d = append(d, bson.E{Key: "default", Value: s.Default})
	}
	if len(s.Output) > 0 {
		out := make(bson.D, 0, len(s.Output))
		for _, f := range s.Output {
			if err := outputName(f.Name); err != "" {
				return p.fail("$bucket", "output %q: %s", f.Name, err)
			}
			out = append(out, bson.E{Key: f.Name, Value: f.Value})
		}
		d = append(d, bson.E{Key: "output", Value: out})
	}
	return p.add("$bucket", d)
}

// SortByCount adds {$sortByCount: expr}.
func (p *Pipeline) SortByCount(expr Expr) *Pipeline {
	if expr == nil {
		return p.fail("$sortByCount", "expression is nil")
	}
	return p.add("$sortByCount", expr)
}

// Limit adds {$limit: n}; n must be positive.
func (p *Pipeline) Limit(n int64) *Pipeline {
	if n <= 0 {
		return p.fail("$limit", "must be positive, got %d", n)
	}
	return p.add("$limit", n)
}

// Skip adds {$skip: n}; n must not be negative.
func (p *Pipeline) Skip(n int64) *Pipeline {
	if n < 0 {
		return p.fail("$skip", "must not be negative, got %d", n)
	}
	return p.add("$skip", n)
}

// Sample adds {$sample: {size: n}}.
func (p *Pipeline) Sample(n int64) *Pipeline {
	if n <= 0 {
		return p.fail("$sample", "size must be positive, got %d", n)
	}
	return p.add("$sample", bson.D{{Key: "size", Value: n}})
}

// ReplaceRoot adds {$replaceRoot: {newRoot: expr}}.
func (p *Pipeline) ReplaceRoot(newRoot Expr) *Pipeline {
	if newRoot == nil {
		return p.fail("$replaceRoot", "newRoot is nil")
	}
	return p.add("$replaceRoot", bson.D{{Key: "newRoot", Value: newRoot}})
}

// Out adds {$out: coll}; it must be the last stage.
func (p *Pipeline) Out(coll string) *Pipeline {
	if coll == "" {
		return p.fail("$out", "collection name is empty")
	}
	return p.add("$out", coll)
}

// MergeSpec describes a $merge stage.
type MergeSpec struct {
	Into           string   // collection
	IntoDB         string   // optional database
	On             []string // optional unique key fields (default _id)
	WhenMatched    any      // "replace", "keepExisting", "merge", "fail" or a pipeline
	WhenNotMatched string   // "insert", "discard", "fail"
}

// Merge adds a $merge stage; it must be the last stage.
func (p *Pipeline) Merge(s MergeSpec) *Pipeline {
	if s.Into == "" {
		return p.fail("$merge", "Into is required")
	}
	var into any = s.Into
	if s.IntoDB != "" {
		into = bson.D{{Key: "db", Value: s.IntoDB}, {Key: "coll", Value: s.Into}}
	}
	d := bson.D{{Key: "into", Value: into}}
	switch len(s.On) {
	case 0:
	case 1:
		d = append(d, bson.E{Key: "on", Value: s.On[0]})
	default:
		on := make(bson.A, len(s.On))
		for i, f := range s.On {
			on[i] = f
		}
		d = append(d, bson.E{Key: "on", Value: on})
	}
	if s.WhenMatched != nil {
		if sub, ok := s.WhenMatched.(*Pipeline); ok {
			built, err := sub.build(true)
			if err != nil {
				return p.fail("$merge", "whenMatched: %v", err)
			}
			d = append(d, bson.E{Key: "whenMatched", Value: built})
		} else {
			d = append(d, bson.E{Key: "whenMatched", Value: s.WhenMatched})
		}
	}
	if s.WhenNotMatched != "" {
		d = append(d, bson.E{Key: "whenNotMatched", Value: s.WhenNotMatched})
	}
	return p.add("$merge", d)
}

// Raw appends a stage as given: the escape hatch for stages this package
// does not model. It must be a document with exactly one $-prefixed key.
func (p *Pipeline) Raw(stage bson.D) *Pipeline {
	if len(stage) != 1 || !strings.HasPrefix(stage[0].Key, "$") {
		return p.fail("raw", "a stage is a document with exactly one $-prefixed key")
	}
	p.stages = append(p.stages, stage)
	return p
}

// Append adds the stages of other to p.
func (p *Pipeline) Append(other *Pipeline) *Pipeline {
	for i, e := range other.errs {
		var be *BuildError
		if errors.As(e, &be) {
			c := *be
			c.Stage += len(p.stages)
			p.errs = append(p.errs, &c)
		} else {
			p.errs = append(p.errs, other.errs[i])
		}
	}
	p.stages = append(p.stages, other.stages...)
	p.serverJS = p.serverJS || other.serverJS
	return p
}

// Len returns the number of stages.
func (p *Pipeline) Len() int { return len(p.stages) }

// Build validates the pipeline and returns it as a mongo.Pipeline.
func (p *Pipeline) Build() (mongo.Pipeline, error) { return p.build(false) }

func (p *Pipeline) build(nested bool) (mongo.Pipeline, error) {
	if p == nil {
		return nil, &BuildError{Stage: -1, Msg: "nil pipeline"}
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	for i, st := range p.stages {
		name := stageName(st)
		if (name == "$out" || name == "$merge") && (nested || i != len(p.stages)-1) {
			return nil, &BuildError{Stage: i, Op: name, Msg: "must be the last stage of the top-level pipeline"}
		}
		if !p.serverJS {
			if js := findServerJS(st); js != "" {
				return nil, &BuildError{Stage: i, Op: name, Msg: js + " runs JavaScript on the server; call AllowServerJS if no part of the pipeline comes from user input"}
			}
		}
	}
	out := make(mongo.Pipeline, len(p.stages))
	copy(out, p.stages)
	return out, nil
}

func stageName(st bson.D) string {
	if len(st) == 0 {
		return ""
	}
	return st[0].Key
}

// outputName checks a field name used as an output; it returns a reason or "".
func outputName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.HasPrefix(name, "$"):
		return "names cannot start with '$'"
	case strings.Contains(name, "\x00"):
		return "names cannot contain NUL"
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, ".."):
		return "empty path element"
	}
	return ""
}

var serverJSOps = map[string]bool{"$where": true, "$function": true, "$accumulator": true}

// findServerJS walks a value and returns the first server-side JavaScript
// operator it finds, or "".
func findServerJS(v any) string {
	switch x := v.(type) {
	case bson.D:
		for _, e := range x {
			if serverJSOps[e.Key] {
				return e.Key
			}
			if s := findServerJS(e.Value); s != "" {
				return s
			}
		}
	case bson.M:
		for k, val := range x {
			if serverJSOps[k] {
				return k
			}
			if s := findServerJS(val); s != "" {
				return s
			}
		}
	case map[string]any:
		return findServerJS(bson.M(x))
	case bson.A:
		for _, e := range x {
			if s := findServerJS(e); s != "" {
				return s
			}
		}
	case []any:
		return findServerJS(bson.A(x))
	case []bson.D:
		for _, e := range x {
			if s := findServerJS(e); s != "" {
				return s
			}
		}
	case mongo.Pipeline:
		return findServerJS([]bson.D(x))
	case bson.Raw:
		elems, err := x.Elements()
		if err != nil {
			return ""
		}
		for _, e := range elems {
			if serverJSOps[e.Key()] {
				return e.Key()
			}
			if doc, ok := e.Value().DocumentOK(); ok {
				if s := findServerJS(doc); s != "" {
					return s
				}
			}
			if arr, ok := e.Value().ArrayOK(); ok {
				if s := findServerJS(bson.Raw(arr)); s != "" {
					return s
				}
			}
		}
	case nil, string, bool, int, int32, int64, float64, bson.ObjectID, bson.DateTime, time.Time:
		return ""
	default:
		// Structs, maps of other types, pointers: check their BSON form.
		if raw, err := bson.Marshal(x); err == nil {
			return findServerJS(bson.Raw(raw))
		}
	}
	return ""
}
