package odm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ModelOpts are per-model options.
type ModelOpts struct {
	// Collection defaults to CollectionName(name), Mongoose's default:
	// the model name lowercased and pluralized ("Person" → "people").
	Collection string
	// AllowJSFilters lets filters use $where, $function and $accumulator.
	AllowJSFilters bool
	// SkipUpdateValidators turns off casting and validation of updates
	// (they are on by default).
	SkipUpdateValidators bool
	// SanitizeFilter chooses which filters are sanitized against operator
	// injection (default: untrusted maps; see SanitizeMode).
	SanitizeFilter SanitizeMode
	// Clock returns the time for timestamps (default time.Now, UTC,
	// millisecond precision as stored).
	Clock func() time.Time
	// AfterWrite, when set, receives what every write through the model
	// changed (see Written), before the write returns; inside
	// WithTransaction, once the transaction has committed (never for an
	// aborted attempt). mongo/odm/odmcache uses it to invalidate cached
	// queries.
	AfterWrite AfterWriteFunc
}

// Model binds a schema and a Go type T (a struct, or map[string]any /
// bson.M for schema-only models) to a collection.
type Model[T any] struct {
	name        string
	coll        *mongo.Collection
	schema      *Schema
	opts        ModelOpts
	hooks       hookList[HookFunc[T]]
	errHooks    hookList[ErrorHookFunc[T]]
	virts       []virtual[T]
	objDefaults objectDefaults
	disc        *discriminator
	tracker     *tracker[T]
	// populatedVirtuals names, per document, the virtuals Populate filled:
	// ToObject/ToJSON with virtuals render them (also a count of 0 or a
	// justOne that found nothing, as null) and leave the others out.
	populatedVirtuals *weakMap[T, map[string]bool]
	// changes keeps, per tracked document, what change tracking needs
	// besides the stored form: the form as read (with the defaults read
	// applied) and the paths MarkModified named.
	changes *weakMap[T, docChanges]

	isMap                  bool
	idIdx, verIdx          []int
	createdIdx, updatedIdx []int
	hiddenProj             bson.D
	now                    func() time.Time
}

// NewModel builds a model. A nil schema is derived from T with SchemaFor.
// A programmatic schema is bound to T's fields by their bson names. A nil
// db gives a model that casts and validates only: its operations that need
// the database return ErrNoDatabase.
func NewModel[T any](db *mongo.Database, name string, schema *Schema, opts *ModelOpts) (*Model[T], error) {
	if name == "" {
		return nil, schemaErr("a model needs a name")
	}
	t := reflect.TypeFor[T]()
	if schema == nil {
		s, err := SchemaFor[T](nil)
		if err != nil {
			return nil, err
		}
		schema = s
	}
	m := &Model[T]{name: name, schema: schema, tracker: newTracker[T](), populatedVirtuals: newWeakMap[T, map[string]bool](), changes: newWeakMap[T, docChanges](), now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
	if opts != nil {
		m.opts = *opts
	}
	if m.opts.Clock != nil {
		m.now = m.opts.Clock
	}
	if m.opts.Collection == "" {
		m.opts.Collection = CollectionName(name)
	}
	schema.subdocIDs()
	switch {
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		m.isMap = true
	case t.Kind() == reflect.Struct:
		if schema.goType == nil {
			if err := bindSchema(schema, t); err != nil {
				return nil, err
			}
		} else if schema.goType != t {
			return nil, schemaErr("schema was derived from %s, model type is %s", schema.goType, t)
		}
		m.idIdx = fieldIndex(t, "_id")
		if vk := schema.versionKey(); vk != "" {
			m.verIdx = fieldIndex(t, vk)
		}
		if ts := schema.opts.Timestamps; ts != nil {
			m.createdIdx = fieldIndex(t, ts.CreatedAt)
			m.updatedIdx = fieldIndex(t, ts.UpdatedAt)
		}
	default:
		return nil, schemaErr("model type must be a struct or a map with string keys, got %s", t)
	}
	if err := schema.applyGlobalPlugins(); err != nil {
		return nil, err
	}
	if schema.goType != nil {
		bindAdded(schema, schema.goType)
	}
	schema.finalize()
	m.hiddenProj = hiddenPaths(schema, "", m.hiddenProj)
	if db != nil {
		m.coll = db.Collection(m.opts.Collection)
	}
	return m, nil
}

// MustModel is NewModel that panics on error.
func MustModel[T any](db *mongo.Database, name string, schema *Schema, opts *ModelOpts) *Model[T] {
	m, err := NewModel[T](db, name, schema, opts)
	if err != nil {
		panic(err)
	}
	return m
}

// bindSchema attaches a programmatic schema to the fields of struct t.
func bindSchema(s *Schema, t reflect.Type) error {
	for _, p := range s.paths {
		idx := fieldIndex(t, p.Name)
		if idx == nil && p.byPlugin {
			continue // stored without a Go field
		}
		if idx == nil {
			return schemaErr("path %q has no field in %s", p.Name, t)
		}
		f := t.FieldByIndex(idx)
		p.goIndex = idx
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			p.ptr = true
			ft = ft.Elem()
		}
		p.goType = ft
		if p.Type == TypeSubdoc && ft.Kind() == reflect.Struct && p.Schema.goType == nil {
			if err := bindSchema(p.Schema, ft); err != nil {
				return err
			}
		}
		if p.Type == TypeArray && p.Elem != nil && p.Elem.Type == TypeSubdoc && ft.Kind() == reflect.Slice {
			et := ft.Elem()
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && p.Elem.Schema.goType == nil {
				if err := bindSchema(p.Elem.Schema, et); err != nil {
					return err
				}
			}
		}
	}
	s.goType = t
	return nil
}

// bindAdded binds paths added after the schema was bound (by plugins) to
// the struct fields of the same name, when there are some.
func bindAdded(s *Schema, t reflect.Type) {
	for _, p := range s.paths {
		if p.goIndex != nil {
			continue
		}
		if idx := fieldIndex(t, p.Name); idx != nil {
			ft := t.FieldByIndex(idx).Type
			if ft.Kind() == reflect.Pointer {
				p.ptr, ft = true, ft.Elem()
			}
			p.goIndex, p.goType = idx, ft
		}
	}
}

// fieldIndex finds the struct field stored under name.
func fieldIndex(t reflect.Type, name string) []int {
	if name == "" {
		return nil
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		n, inline, skip := bsonName(f)
		if skip {
			continue
		}
		if inline && f.Type.Kind() == reflect.Struct {
			if sub := fieldIndex(f.Type, name); sub != nil {
				return append([]int{i}, sub...)
			}
			continue
		}
		if n == name {
			return []int{i}
		}
	}
	return nil
}

// Name returns the model name.
func (m *Model[T]) Name() string { return m.name }

// Schema returns the model's schema.
func (m *Model[T]) Schema() *Schema { return m.schema }

// offline reports ErrNoDatabase for a nil model or one made without a
// database.
func (m *Model[T]) offline() error {
	if m == nil || m.coll == nil {
		return ErrNoDatabase
	}
	return nil
}

// Collection returns the underlying collection.
func (m *Model[T]) Collection() *mongo.Collection { return m.coll }

// docValue returns the reflect view of doc for prepare/validate.
func (m *Model[T]) docValue(doc *T) reflect.Value {
	v := reflect.ValueOf(doc).Elem()
	if m.isMap {
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
	}
	return v
}

// Validate applies defaults and transforms to doc, then runs every path
// validator and the schema-level validators, with the validate hooks. It
// returns a *ValidationError listing every failing path.
func (m *Model[T]) Validate(ctx context.Context, doc *T) (err error) {
	if m == nil {
		return ErrNoDatabase
	}
	if doc == nil {
		return nilDocErr(m.name, "Validate")
	}
	defer m.handleErr(ctx, EventValidate, doc, &err)
	return m.validate(ctx, doc, true)
}

// validateBeforeSave validates doc before a save unless the schema's
// NoValidateBeforeSave or so says not to; then only defaults and
// transforms apply, as Mongoose applies them without validating.
func (m *Model[T]) validateBeforeSave(ctx context.Context, doc *T, so *SaveOpts) error {
	validate := !m.schema.opts.NoValidateBeforeSave
	if so != nil && so.ValidateBeforeSave != nil {
		validate = *so.ValidateBeforeSave
	}
	if validate {
		return m.Validate(ctx, doc)
	}
	m.schema.prepare(m.docValue(doc))
	return nil
}

func (m *Model[T]) validate(ctx context.Context, doc *T, paths bool) error {
	op, err := m.preValidate(ctx, doc)
	if err != nil {
		return err
	}
	if err := m.checkDoc(ctx, doc, paths); err != nil {
		return err
	}
	if op != nil {
		return m.run(ctx, false, op)
	}
	return nil
}

// preValidate runs the pre validate hooks on doc; the op it returns (nil
// without hooks) is for the post hooks.
func (m *Model[T]) preValidate(ctx context.Context, doc *T) (*Op[T], error) {
	if !m.hasHooks(EventValidate) {
		return nil, nil
	}
	op := m.newOp(EventValidate)
	op.Doc = doc
	return op, m.run(ctx, true, op)
}

// checkDoc runs the path validators (with paths) and the schema-level
// ones, without hooks.
func (m *Model[T]) checkDoc(ctx context.Context, doc *T, paths bool) error {
	v := m.docValue(doc)
	var ve ValidationError // stays on the stack unless something fails
	if paths {
		m.schema.prepare(v)
		if err := m.schema.validateDoc(ctx, v, "", &ve); err != nil {
			return err
		}
	}
	if len(m.schema.validators) > 0 {
		var whole any = doc
		if m.isMap {
			whole = v.Interface()
		}
		if err := m.schema.runSchemaValidators(ctx, whole, &ve); err != nil {
			return err
		}
	}
	if len(ve.Errors) > 0 {
		out := ve
		out.Model = m.name
		return &out
	}
	return nil
}

// Cast builds a document from loosely typed input (decoded JSON, form
// values) by Mongoose's casting rules, applies defaults and transforms and
// validates it. Cast failures and validation failures come back together in
// one *ValidationError; unknown fields follow the schema's strict mode.
func (m *Model[T]) Cast(ctx context.Context, input map[string]any) (*T, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	ve := &ValidationError{Model: m.name}
	cc := &castCtx{strict: m.schema.opts.Strict}
	casted := m.schema.castMap(input, "", ve, cc)
	if cc.err != nil {
		se := cc.err.(*StrictError)
		se.Model = m.name
		return nil, se
	}
	cv := reflect.ValueOf(casted)
	m.schema.prepare(cv)
	// Validate the cast map: it knows which paths were absent, which a Go
	// struct cannot tell for non-pointer fields.
	if err := m.schema.validateDoc(ctx, cv, "", ve); err != nil {
		return nil, err
	}
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	raw, err := bson.Marshal(casted)
	if err != nil {
		return nil, errorf("encode cast document: %w", err)
	}
	doc := new(T)
	if err := bson.Unmarshal(raw, doc); err != nil {
		return nil, errorf("decode cast document into %T: %w", doc, err)
	}
	if err := m.validate(ctx, doc, false); err != nil { // schema-level validators and hooks
		return nil, err
	}
	return doc, nil
}

// CastJSON is Cast for a JSON object (an HTTP request body). Numbers are
// read exactly, so int64 values beyond 2^53 survive.
func (m *Model[T]) CastJSON(ctx context.Context, data []byte) (*T, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var in map[string]any
	if err := dec.Decode(&in); err != nil {
		return nil, errorf("%s input must be a JSON object: %w", m.name, err)
	}
	if dec.More() {
		return nil, errorf("%s input has data after the JSON object", m.name)
	}
	return m.Cast(ctx, in)
}

// setField sets a top-level field of doc by index (struct) or name (map).
func (m *Model[T]) setField(doc *T, idx []int, name string, val any) {
	v := reflect.ValueOf(doc).Elem()
	if m.isMap {
		if name != "" {
			v.SetMapIndex(reflect.ValueOf(name), reflect.ValueOf(val))
		}
		return
	}
	if idx == nil {
		return
	}
	f := v.FieldByIndex(idx)
	if f.Kind() == reflect.Pointer {
		n := reflect.New(f.Type().Elem())
		if setValue(n.Elem(), val) {
			f.Set(n)
		}
		return
	}
	setValue(f, val)
}

func (m *Model[T]) getField(doc *T, idx []int, name string) reflect.Value {
	v := reflect.ValueOf(doc).Elem()
	if m.isMap {
		return deref(v.MapIndex(reflect.ValueOf(name)))
	}
	if idx == nil {
		return reflect.Value{}
	}
	return deref(v.FieldByIndex(idx))
}

// ensureID gives doc an ObjectID when its _id is unset, and returns the id.
func (m *Model[T]) ensureID(doc *T) any {
	if f := m.getField(doc, m.idIdx, "_id"); f.IsValid() && !f.IsZero() {
		return f.Interface()
	}
	if !m.isMap && m.idIdx != nil {
		ft := reflect.TypeFor[T]().FieldByIndex(m.idIdx).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft != typeObjectID {
			return nil // caller-chosen ids (strings, ints) are the caller's job
		}
	}
	id := bson.NewObjectID()
	m.setField(doc, m.idIdx, "_id", id)
	return id
}

func (m *Model[T]) stampInsert(doc *T) {
	now := m.now()
	if ts := m.schema.opts.Timestamps; ts != nil {
		if ts.CreatedAt != "" {
			if f := m.getField(doc, m.createdIdx, ts.CreatedAt); !f.IsValid() {
				m.setField(doc, m.createdIdx, ts.CreatedAt, now)
			}
		}
		if ts.UpdatedAt != "" {
			m.setField(doc, m.updatedIdx, ts.UpdatedAt, now)
		}
	}
	if vk := m.schema.versionKey(); vk != "" {
		if f := m.getField(doc, m.verIdx, vk); !f.IsValid() || f.IsZero() {
			m.setField(doc, m.verIdx, vk, int64(0))
		}
	}
}

// encode marshals doc, enforcing the 16 MiB limit. For struct types without
// a version or timestamp field, those keys are added to the BSON.
func (m *Model[T]) encode(doc *T) (bson.Raw, error) {
	raw, err := m.encodeFull(doc)
	if err != nil {
		return nil, err
	}
	if raw, err = m.schema.minimizeMixed(raw); err != nil {
		return nil, err
	}
	if len(raw) > MaxDocumentSize {
		return nil, fmt.Errorf("%w: %s document is %d bytes", ErrDocumentTooLarge, m.name, len(raw))
	}
	return raw, nil
}

// encodeFull is encode without minimize.
func (m *Model[T]) encodeFull(doc *T) (bson.Raw, error) {
	discE, discExtra := m.stampDisc(doc)
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, errorf("encode %s: %w", m.name, err)
	}
	if !m.isMap {
		var extra bson.D
		if discExtra {
			extra = append(extra, discE)
		}
		if vk := m.schema.versionKey(); vk != "" && m.verIdx == nil {
			extra = append(extra, bson.E{Key: vk, Value: int64(0)})
		}
		if ts := m.schema.opts.Timestamps; ts != nil {
			now := m.now()
			if ts.CreatedAt != "" && m.createdIdx == nil {
				extra = append(extra, bson.E{Key: ts.CreatedAt, Value: now})
			}
			if ts.UpdatedAt != "" && m.updatedIdx == nil {
				extra = append(extra, bson.E{Key: ts.UpdatedAt, Value: now})
			}
		}
		if len(extra) > 0 {
			var d bson.D
			if err := bson.Unmarshal(raw, &d); err != nil {
				return nil, err
			}
			if raw, err = bson.Marshal(append(d, extra...)); err != nil {
				return nil, err
			}
		}
	}
	return raw, nil
}

// prepareInsert validates doc and returns its BSON, ready to insert.
func (m *Model[T]) prepareInsert(ctx context.Context, doc *T) (bson.Raw, error) {
	if err := m.Validate(ctx, doc); err != nil {
		return nil, err
	}
	return m.finishInsert(doc)
}

// finishInsert assigns _id, timestamps and version and encodes doc.
func (m *Model[T]) finishInsert(doc *T) (bson.Raw, error) {
	m.ensureID(doc)
	m.stampInsert(doc)
	m.schema.stampNewSubdocs(m.docValue(doc), m.now(), true)
	return m.encode(doc)
}

// validateMany validates docs for InsertMany and encodes them. As
// Mongoose validates the documents of an insertMany in parallel, the pre
// validate hooks of every document run first, then the validators, then
// the post validate hooks; a failure is an *IndexedError of its document,
// through the validate error handlers.
func (m *Model[T]) validateMany(ctx context.Context, docs []*T) ([]any, error) {
	ops := make([]*Op[T], len(docs))
	fail := func(i int, err error) error {
		m.handleErr(ctx, EventValidate, docs[i], &err)
		return &IndexedError{Index: i, Err: err}
	}
	for i, d := range docs {
		op, err := m.preValidate(ctx, d)
		if err != nil {
			return nil, fail(i, err)
		}
		ops[i] = op
	}
	for i, d := range docs {
		if err := m.checkDoc(ctx, d, true); err != nil {
			return nil, fail(i, err)
		}
	}
	raws := make([]any, len(docs))
	for i := range docs {
		if ops[i] != nil {
			if err := m.run(ctx, false, ops[i]); err != nil {
				return nil, fail(i, err)
			}
		}
	}
	for i, d := range docs {
		raw, err := m.finishInsert(d)
		if err != nil {
			return nil, &IndexedError{Index: i, Err: err}
		}
		raws[i] = raw
	}
	return raws, nil
}

// Create validates and inserts doc (assigning _id, timestamps and __v).
// Hooks run in Mongoose's order: validate, then pre-save (which may still
// change the document, e.g. hash a password), insert, post-save. On
// success doc is tracked for Save.
func (m *Model[T]) Create(ctx context.Context, doc *T) (err error) {
	return m.create(ctx, doc, nil)
}

func (m *Model[T]) create(ctx context.Context, doc *T, so *SaveOpts) (err error) {
	if m == nil {
		return ErrNoDatabase
	}
	if doc == nil {
		return nilDocErr(m.name, "Create")
	}
	defer m.handleErr(ctx, EventSave, doc, &err)
	if err := m.validateBeforeSave(ctx, doc, so); err != nil {
		return err
	}
	op := m.newOp(EventSave)
	op.Doc = doc
	if err := m.run(ctx, true, op); err != nil {
		return err
	}
	raw, err := m.finishInsert(doc)
	if err != nil {
		return err
	}
	defer m.wroteDocs(ctx, raw)
	if _, err := m.coll.InsertOne(ctx, raw); err != nil {
		return err
	}
	m.tracker.set(doc, raw)
	return m.run(ctx, false, op)
}

// IndexedError says which document of a batch failed.
type IndexedError struct {
	Index int
	Err   error
}

func (e *IndexedError) Error() string { return fmt.Sprintf("odm: document %d: %v", e.Index, e.Err) }
func (e *IndexedError) Unwrap() error { return e.Err }

// InsertMany validates every document first and inserts nothing unless all
// are valid (the error is an *IndexedError wrapping the first failure).
func (m *Model[T]) InsertMany(ctx context.Context, docs []*T) (err error) {
	if m == nil {
		return ErrNoDatabase
	}
	for i, d := range docs {
		if d == nil {
			return &IndexedError{Index: i, Err: nilDocErr(m.name, "InsertMany")}
		}
	}
	invalid := false
	defer func() {
		if !invalid {
			// As in Mongoose, a document that fails validation reaches
			// the validate error hooks only, not insertMany's.
			m.handleErr(ctx, EventInsertMany, nil, &err)
		}
	}()
	op := m.newOp(EventInsertMany)
	op.Docs = docs
	if err := m.run(ctx, true, op); err != nil {
		return err
	}
	if len(docs) == 0 {
		// As Mongoose's insertMany([]): nothing is sent, the post hooks
		// run.
		return m.run(ctx, false, op)
	}
	raws, err := m.validateMany(ctx, docs)
	if err != nil {
		invalid = true
		return err
	}
	defer m.wroteDocs(ctx, raws...)
	if _, err := m.coll.InsertMany(ctx, raws); err != nil {
		return err
	}
	for i, d := range docs {
		m.tracker.set(d, raws[i].(bson.Raw))
	}
	return m.run(ctx, false, op)
}

// Save inserts doc if it was not loaded or created through this model;
// otherwise it validates it and sends only what changed, as Mongoose's
// save does: changed paths in $set/$unset, elements appended to an array
// in $push {$each}, primitive elements removed from one in $pullAll,
// versioned as Mongoose versions (see SchemaOpts.OptimisticConcurrency).
// If the document was saved by someone else in between, a versioned save
// returns a *StaleDocumentError (Mongoose's VersionError) and writes
// nothing; if it was deleted, a *DocumentNotFoundError. Nothing changed:
// Save only checks that the document still exists, as Mongoose does.
func (m *Model[T]) Save(ctx context.Context, doc *T) (err error) {
	return m.SaveWith(ctx, doc, nil)
}

// SaveOpts are the options of one SaveWith (Mongoose's save options).
type SaveOpts struct {
	// ValidateBeforeSave, when set, says whether this save validates,
	// over the schema's NoValidateBeforeSave (Mongoose's
	// save({validateBeforeSave})).
	ValidateBeforeSave *bool
}

// SaveWith is Save with options (nil: Save).
func (m *Model[T]) SaveWith(ctx context.Context, doc *T, so *SaveOpts) (err error) {
	if m == nil {
		return ErrNoDatabase
	}
	if doc == nil {
		return nilDocErr(m.name, "Save")
	}
	old, tracked := m.tracker.get(doc)
	if !tracked {
		return m.create(ctx, doc, so)
	}
	defer m.handleErr(ctx, EventSave, doc, &err)
	if err := m.validateBeforeSave(ctx, doc, so); err != nil {
		return err
	}
	op := m.newOp(EventSave)
	op.Doc = doc
	if err := m.run(ctx, true, op); err != nil {
		return err
	}
	plan, err := m.planSave(doc, old)
	if err != nil {
		return err
	}
	if plan == nil {
		id := old.Lookup("_id")
		err := m.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
		if err == mongo.ErrNoDocuments {
			return &DocumentNotFoundError{Model: m.name, Filter: bson.D{{Key: "_id", Value: id}}}
		}
		if err != nil {
			return err
		}
		return m.run(ctx, false, op)
	}
	defer m.wroteFilter(ctx, plan.filter, false)
	res, err := m.coll.UpdateOne(ctx, plan.filter, plan.update)
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return plan.missed(m.name)
	}
	if err := m.savedAs(doc, plan); err != nil {
		return err
	}
	return m.run(ctx, false, op)
}

// savePlan is the update that saves a tracked document.
type savePlan struct {
	id             any
	version        int64
	where, inc     bool // the filter has the version; the update increments it
	paths          []string
	filter, update bson.D
}

// missed is the error of a plan that matched no document: Mongoose's
// VersionError when the filter had the version, DocumentNotFoundError
// otherwise.
func (p *savePlan) missed(model string) error {
	if p.where {
		return &StaleDocumentError{Model: model, ID: p.id, Version: p.version, ModifiedPaths: p.paths}
	}
	return &DocumentNotFoundError{Model: model, Filter: p.filter}
}

// delta compares doc with its stored form old (after stamping its new and
// modified subdocuments) and returns the changes, managed keys left out.
func (m *Model[T]) delta(doc *T, old bson.Raw, stamp bool) (*saveDelta, error) {
	now := m.now()
	if stamp {
		m.schema.stampNewSubdocs(m.docValue(doc), now, false)
	}
	cur, err := m.encode(doc)
	if err != nil {
		return nil, err
	}
	d := &saveDelta{}
	if err := deltaOf(old, cur, "", d); err != nil {
		return nil, err
	}
	if stamp {
		// As Mongoose's subdocument pre-save hooks: updatedAt of every
		// modified subdocument whose schema has timestamps moves.
		var subs []string
		for _, p := range d.paths {
			for _, sd := range m.schema.stampedSubdocs(p) {
				if !slices.Contains(subs, sd) {
					subs = append(subs, sd)
				}
			}
		}
		if len(subs) > 0 {
			for _, sd := range subs {
				if p, _, _ := m.schema.resolve(sd); p != nil && p.Schema != nil {
					setUnder(m.docValue(doc), strings.Split(sd, "."), p.Schema.opts.Timestamps.UpdatedAt, now)
				}
			}
			if cur, err = m.encode(doc); err != nil {
				return nil, err
			}
			d = &saveDelta{}
			if err := deltaOf(old, cur, "", d); err != nil {
				return nil, err
			}
		}
	}
	var full bson.Raw
	if m.schema.opts.KeepEmpty {
		if full, err = m.encodeFull(doc); err != nil {
			return nil, err
		}
	}
	m.schema.wholeMixed(d, cur, full)
	vk := m.schema.versionKey()
	ts := m.schema.opts.Timestamps
	d.without(func(key string) bool {
		return key != vk && (ts == nil || key != ts.CreatedAt && key != ts.UpdatedAt)
	})
	if ch, ok := m.changes.get(doc); ok {
		for _, p := range ch.marked {
			if slices.ContainsFunc(d.paths, func(q string) bool { return q == p || strings.HasPrefix(q, p+".") }) {
				continue
			}
			// Mongoose's markModified: the path is sent whole, changed or not.
			d.set = slices.DeleteFunc(d.set, func(e bson.E) bool { return strings.HasPrefix(e.Key, p+".") })
			d.unset = slices.DeleteFunc(d.unset, func(e bson.E) bool { return strings.HasPrefix(e.Key, p+".") })
			d.paths = slices.DeleteFunc(d.paths, func(q string) bool { return strings.HasPrefix(q, p+".") })
			v, err := cur.LookupErr(strings.Split(p, ".")...)
			if err != nil {
				continue
			}
			d.set = append(d.set, bson.E{Key: p, Value: v})
			d.paths = append(d.paths, p)
			if v.Type == bson.TypeArray {
				d.where, d.inc = true, true
			}
		}
	}
	return d, nil
}

// planSave compares doc with its stored form old and returns the update
// that saves the changes, or nil when nothing changed (immutable paths
// are put back into doc).
func (m *Model[T]) planSave(doc *T, old bson.Raw) (*savePlan, error) {
	d, err := m.delta(doc, old, true)
	if err != nil {
		return nil, err
	}
	if d.empty() {
		return nil, nil
	}
	all := append(append(append(append(bson.D(nil), d.set...), d.unset...), d.push...), d.pullAll...)
	if m.schema.opts.Strict == StrictThrow {
		ve := &ValidationError{Model: m.name}
		for _, e := range all {
			if m.isImmutable(e.Key) {
				ve.add(&FieldError{Name: NameValidatorError, Path: e.Key, Kind: KindImmutable,
					Message: fmt.Sprintf("Path `%s` is immutable and cannot be modified.", e.Key)})
			}
		}
		if err := ve.orNil(); err != nil {
			return nil, err
		}
	}
	// As in Mongoose, a change of an immutable path is ignored: the stored
	// value stays, the document gets it back, the other changes are saved.
	var restore []string
	d.set, restore = m.dropImmutable(d.set, restore)
	d.unset, restore = m.dropImmutable(d.unset, restore)
	d.push, restore = m.dropImmutable(d.push, restore)
	d.pullAll, restore = m.dropImmutable(d.pullAll, restore)
	if len(restore) > 0 {
		d.paths = slices.DeleteFunc(d.paths, m.isImmutable)
		if err := m.restoreFields(doc, old, restore); err != nil {
			return nil, err
		}
		if d.empty() {
			return nil, nil
		}
	}
	vk := m.schema.versionKey()
	plan := &savePlan{id: old.Lookup("_id"), paths: d.paths}
	plan.filter = bson.D{{Key: "_id", Value: plan.id}}
	if vk != "" {
		if v, ok := old.Lookup(vk).AsInt64OK(); ok {
			plan.version = v
		}
		plan.where, plan.inc = d.where, d.inc
		if m.schema.opts.OptimisticConcurrency {
			plan.where, plan.inc = true, true
		}
		if plan.where {
			plan.filter = append(plan.filter, bson.E{Key: vk, Value: plan.version})
		}
	}
	set := d.set
	if ts := m.schema.opts.Timestamps; ts != nil && ts.UpdatedAt != "" {
		now := m.now()
		m.setField(doc, m.updatedIdx, ts.UpdatedAt, now)
		set = append(set, bson.E{Key: ts.UpdatedAt, Value: now})
	}
	update := bson.D{}
	for _, u := range []bson.E{{Key: "$set", Value: set}, {Key: "$unset", Value: d.unset}, {Key: "$push", Value: d.push}, {Key: "$pullAll", Value: d.pullAll}} {
		if len(u.Value.(bson.D)) > 0 {
			update = append(update, u)
		}
	}
	if plan.inc {
		update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: vk, Value: int64(1)}}})
	}
	plan.update = update
	return plan, nil
}

// savedAs records that plan was applied to doc: its version goes up (when
// the plan incremented it) and its tracked form is the current one.
func (m *Model[T]) savedAs(doc *T, plan *savePlan) error {
	vk := m.schema.versionKey()
	version := plan.version
	if plan.inc {
		version++
	}
	if vk != "" {
		m.setField(doc, m.verIdx, vk, version)
	}
	cur, err := m.encode(doc)
	if err == nil && vk != "" && m.verIdx == nil && !m.isMap {
		cur, err = replaceKey(cur, vk, version)
	}
	if err != nil {
		return err
	}
	m.tracker.set(doc, cur)
	m.changes.set(doc, docChanges{})
	return nil
}

func (m *Model[T]) isImmutable(key string) bool {
	p, _, _ := m.schema.resolve(key)
	return p != nil && p.Immutable
}

// dropImmutable removes the immutable paths from d and adds their
// top-level field names to restore.
func (m *Model[T]) dropImmutable(d bson.D, restore []string) (bson.D, []string) {
	out := d[:0:0]
	for _, e := range d {
		if m.isImmutable(e.Key) {
			top, _, _ := strings.Cut(e.Key, ".")
			if !slices.Contains(restore, top) {
				restore = append(restore, top)
			}
			continue
		}
		out = append(out, e)
	}
	return out, restore
}

// restoreFields puts the stored values of the top-level fields named in
// tops back into doc (a field absent from old becomes its zero value).
func (m *Model[T]) restoreFields(doc *T, old bson.Raw, tops []string) error {
	stored := new(T)
	if err := bson.Unmarshal(old, stored); err != nil {
		return errorf("decode stored document: %w", err)
	}
	dv, sv := reflect.ValueOf(doc).Elem(), reflect.ValueOf(stored).Elem()
	for _, top := range tops {
		if m.isMap {
			if v := sv.MapIndex(reflect.ValueOf(top)); v.IsValid() {
				dv.SetMapIndex(reflect.ValueOf(top), v)
			} else {
				dv.SetMapIndex(reflect.ValueOf(top), reflect.Value{})
			}
			continue
		}
		p := m.schema.byName[top]
		if p == nil || p.goIndex == nil {
			continue
		}
		dv.FieldByIndex(p.goIndex).Set(sv.FieldByIndex(p.goIndex))
	}
	return nil
}

func replaceKey(raw bson.Raw, key string, val any) (bson.Raw, error) {
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	for i := range d {
		if d[i].Key == key {
			d[i].Value = val
		}
	}
	return bson.Marshal(d)
}

// updateOpts say how an update is prepared: for an upsert (with the
// cast filter, whose equality paths take no default), without the
// defaults on insert or without timestamps.
type updateOpts struct {
	upsert, noDefaults, noTimestamps bool
	filter                           bson.D
}

// update casts and validates an update, and adds timestamps (and, for an
// upsert, the version key and the defaults of the inserted document), as
// Mongoose's applyTimestampsToUpdate and setDefaultsOnInsert do.
func (m *Model[T]) update(ctx context.Context, u any, uo updateOpts) (bson.D, error) {
	d, err := toD(u)
	if err != nil {
		return nil, err
	}
	if len(d) == 0 {
		return nil, ErrEmptyUpdate
	}
	uc := updateCtx{model: m.name, strict: m.schema.opts.Strict, validate: !m.opts.SkipUpdateValidators, upsert: uo.upsert}
	out, err := m.schema.castUpdate(ctx, d, uc)
	if err != nil {
		return nil, err
	}
	ts := m.schema.opts.Timestamps
	if uo.noTimestamps {
		ts = nil
	}
	if len(out) == 0 && (ts == nil || ts.UpdatedAt == "") {
		// Mongoose sends nothing then: UpdateOne/Many and FindOneAndUpdate
		// catch errAllDropped and write nothing.
		return nil, errAllDropped
	}
	now := m.now()
	if ts != nil {
		// The timestamps win over values given for them, except a
		// $currentDate of updatedAt.
		if ts.UpdatedAt != "" && !hasOpPath(out, "$currentDate", ts.UpdatedAt) {
			out = setIn(out, "$set", bson.E{Key: ts.UpdatedAt, Value: now})
		}
		if ts.CreatedAt != "" && uo.upsert {
			out = setIn(out, "$setOnInsert", bson.E{Key: ts.CreatedAt, Value: now})
		}
	}
	// Mongoose stamps subdocuments also under timestamps: false.
	m.schema.stampSubdocs(out, now)
	// As Mongoose: an update leaves the version key alone (only Save
	// versions a document); an upsert inserts it as 0.
	if vk := m.schema.versionKey(); vk != "" && uo.upsert && !hasPath(out, vk) {
		out = addTo(out, "$setOnInsert", bson.E{Key: vk, Value: int64(0)})
	}
	if uo.upsert && !uo.noDefaults {
		out = m.schema.defaultsOnInsert(out, uo.filter)
	}
	return out, nil
}

// stampSubdocs sets createdAt and updatedAt of the subdocuments an update
// gives whole ($set, $setOnInsert, $push and $addToSet, also with $each)
// when their schema has timestamps, as Mongoose's
// applyTimestampsToChildren does.
func (s *Schema) stampSubdocs(upd bson.D, now time.Time) {
	for _, op := range upd {
		switch op.Key {
		case "$set", "$setOnInsert", "$push", "$addToSet":
		default:
			continue
		}
		fields, _ := op.Value.(bson.D)
		for _, f := range fields {
			p, isElem, known := s.resolve(f.Key)
			if !known || p == nil {
				continue
			}
			v := f.Value
			if op.Key == "$push" || op.Key == "$addToSet" {
				if p.Type != TypeArray || p.Elem == nil || isElem {
					continue
				}
				p = p.Elem
				if d, ok := v.(bson.D); ok && len(d) > 0 && d[0].Key == "$each" {
					if arr, ok := d[0].Value.(bson.A); ok {
						for _, e := range arr {
							p.stamp(e, now)
						}
					}
					continue
				}
			}
			p.stamp(v, now)
		}
	}
}

// stamp sets the timestamps of v, a cast subdocument of p (or an array of
// them).
func (p *Path) stamp(v any, now time.Time) {
	switch p.Type {
	case TypeSubdoc:
		m, ok := v.(map[string]any)
		if !ok || p.Schema == nil {
			return
		}
		if ts := p.Schema.opts.Timestamps; ts != nil {
			if ts.CreatedAt != "" {
				m[ts.CreatedAt] = now
			}
			if ts.UpdatedAt != "" {
				m[ts.UpdatedAt] = now
			}
		}
	case TypeArray:
		if arr, ok := v.([]any); ok && p.Elem != nil {
			for _, e := range arr {
				p.Elem.stamp(e, now)
			}
		}
	}
}

// defaultsOnInsert adds to an upsert's $setOnInsert the default of every
// top-level path ([] for arrays) that neither the update nor an equality in the filter
// names (nor a path above or below it), as Mongoose's setDefaultsOnInsert.
func (s *Schema) defaultsOnInsert(upd, filter bson.D) bson.D {
	modified := map[string]bool{}
	for _, op := range upd {
		if fields, ok := op.Value.(bson.D); ok {
			for _, f := range fields {
				modified[f.Key] = true
			}
		}
	}
	for _, e := range filter {
		if c, ok := e.Value.(bson.D); ok && len(c) > 0 && strings.HasPrefix(c[0].Key, "$") {
			continue // an operator condition sets nothing
		}
		modified[e.Key] = true
	}
	touched := func(path string) bool {
		for k := range modified {
			if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(path, k+".") {
				return true
			}
		}
		return false
	}
	for _, p := range s.paths {
		if p.Name == "_id" || touched(p.Name) {
			continue
		}
		switch {
		case p.hasDefault():
			upd = addTo(upd, "$setOnInsert", bson.E{Key: p.Name, Value: p.defaultValue()})
		case p.Type == TypeArray:
			upd = addTo(upd, "$setOnInsert", bson.E{Key: p.Name, Value: bson.A{}}) // Mongoose arrays default to []
		}
	}
	return upd
}

// opField finds key in operator op of upd (in any operator when op is
// ""): the indexes of the operator and of the field, or -1, -1.
func opField(upd bson.D, op, key string) (int, int) {
	for i, e := range upd {
		if d, ok := e.Value.(bson.D); ok && (op == "" || e.Key == op) {
			for j, f := range d {
				if f.Key == key {
					return i, j
				}
			}
		}
	}
	return -1, -1
}

// hasOpPath reports whether operator op of upd names key.
func hasOpPath(upd bson.D, op, key string) bool {
	i, _ := opField(upd, op, key)
	return i >= 0
}

func hasPath(upd bson.D, key string) bool { return hasOpPath(upd, "", key) }

// setIn sets e in operator op of upd, replacing a value given for its key.
func setIn(upd bson.D, op string, e bson.E) bson.D {
	if i, j := opField(upd, op, e.Key); i >= 0 {
		upd[i].Value.(bson.D)[j].Value = e.Value
		return upd
	}
	return addTo(upd, op, e)
}

// addTo adds e to operator op of upd unless the operator has its key.
func addTo(upd bson.D, op string, e bson.E) bson.D {
	if hasOpPath(upd, op, e.Key) {
		return upd
	}
	for i := range upd {
		if upd[i].Key == op {
			upd[i].Value = append(upd[i].Value.(bson.D), e)
			return upd
		}
	}
	return append(upd, bson.E{Key: op, Value: bson.D{e}})
}

// UpdateOpts are options of UpdateOne, UpdateMany and ReplaceOne.
type UpdateOpts struct {
	Upsert bool
	// NoDefaultsOnInsert leaves the schema's defaults out of an upsert's
	// $setOnInsert (Mongoose's setDefaultsOnInsert: false).
	NoDefaultsOnInsert bool
	// NoTimestamps leaves updatedAt (and an upsert's createdAt) alone
	// (Mongoose's timestamps: false query option).
	NoTimestamps bool
	// ArrayFilters are the update's arrayFilters, each cast against the
	// schema of the array element its identifier names in the update
	// ("items.$[it].qty" → {"it.qty": ...} is cast as items.qty), as
	// Mongoose casts them; a key whose identifier the update does not use
	// is dropped, and a filter left empty too.
	ArrayFilters []any
}

func (m *Model[T]) updateX(ctx context.Context, e Event, filter, update any, o *UpdateOpts) (_ *mongo.UpdateResult, err error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, e, nil, &err)
	if o == nil {
		o = &UpdateOpts{}
	}
	upsert := o.Upsert
	pf, err := m.prepFilter(filter)
	if err != nil {
		return nil, m.preFailed(ctx, e, err)
	}
	pu, err := toD(update)
	if err != nil {
		return nil, m.preFailed(ctx, e, err)
	}
	op := m.newOp(e)
	var dropped bool
	var af []any
	cast := func(pf, pu bson.D) error {
		var err error
		op.Filter, op.Update, dropped, err = m.castUpdateQuery(ctx, pf, pu, updateOpts{upsert: upsert, noDefaults: o.NoDefaultsOnInsert, noTimestamps: o.NoTimestamps})
		if err != nil {
			return err
		}
		af, err = m.schema.castArrayFilters(o.ArrayFilters, op.Update)
		return err
	}
	if err := m.castThenPre(ctx, op, pf, pu, cast); err != nil {
		return nil, err
	}
	defer m.wroteFilter(ctx, op.Filter, upsert)
	var res *mongo.UpdateResult
	if dropped && len(op.Update) == 0 {
		// Only immutable or unknown paths: as in Mongoose, nothing is sent
		// and nothing matched or changed.
		res, err = &mongo.UpdateResult{}, nil
	} else if e == EventUpdateMany {
		uo := options.UpdateMany().SetUpsert(upsert)
		if af != nil {
			uo.SetArrayFilters(af)
		}
		res, err = m.coll.UpdateMany(ctx, op.Filter, op.Update, uo)
	} else {
		uo := options.UpdateOne().SetUpsert(upsert)
		if af != nil {
			uo.SetArrayFilters(af)
		}
		res, err = m.coll.UpdateOne(ctx, op.Filter, op.Update, uo)
	}
	if err != nil {
		return nil, err
	}
	op.Result = res
	return res, m.run(ctx, false, op)
}

// castUpdateQuery casts the converted filter and update of an update
// query (uo.filter is the cast filter); dropped reports an update left
// with nothing to send, which is no error.
func (m *Model[T]) castUpdateQuery(ctx context.Context, pf, pu bson.D, uo updateOpts) (f, u bson.D, dropped bool, err error) {
	if f, err = m.castPrepared(pf, uo.upsert); err != nil {
		return nil, nil, false, err
	}
	uo.filter = f
	u, err = m.update(ctx, pu, uo)
	if errors.Is(err, errAllDropped) {
		return f, u, true, nil
	}
	return f, u, false, err
}

// UpdateOne casts and validates update, then applies it to the first
// document matching filter (updateOne hooks).
func (m *Model[T]) UpdateOne(ctx context.Context, filter, update any, o *UpdateOpts) (*mongo.UpdateResult, error) {
	return m.updateX(ctx, EventUpdateOne, filter, update, o)
}

// UpdateMany is UpdateOne for every matching document (updateMany hooks).
func (m *Model[T]) UpdateMany(ctx context.Context, filter, update any, o *UpdateOpts) (*mongo.UpdateResult, error) {
	return m.updateX(ctx, EventUpdateMany, filter, update, o)
}

// prepareReplacement validates a replacement document and encodes it with
// timestamps and version; its _id is kept only when set.
func (m *Model[T]) prepareReplacement(ctx context.Context, doc *T) (bson.Raw, error) {
	if doc == nil {
		return nil, nilDocErr(m.name, "replacement")
	}
	if err := m.Validate(ctx, doc); err != nil {
		return nil, err
	}
	m.stampInsert(doc)
	return m.encode(doc)
}

// preQuery casts filter and runs the pre hooks of query event e.
// A filter that does not cast reaches the pre hooks as given (see
// rescue): one that fixes it lets the query run.
func (m *Model[T]) preQuery(ctx context.Context, e Event, filter any) (*Op[T], error) {
	pf, err := m.prepFilter(filter)
	if err != nil {
		return nil, err
	}
	op := m.newOp(e)
	cast := func(pf, _ bson.D) error {
		var err error
		op.Filter, err = m.castPrepared(pf, false)
		return err
	}
	if err := m.castThenPre(ctx, op, pf, nil, cast); err != nil {
		return nil, err
	}
	return op, nil
}

// preReplace runs the pre hooks of a replacement (op.Doc is doc), then
// validates and encodes doc.
func (m *Model[T]) preReplace(ctx context.Context, e Event, filter any, doc *T, upsert bool) (*Op[T], bson.Raw, error) {
	f, err := m.filterFor(filter, upsert)
	if err != nil {
		return nil, nil, err
	}
	op := m.newOp(e)
	op.Filter, op.Doc = f, doc
	if err := m.run(ctx, true, op); err != nil {
		return nil, nil, err
	}
	raw, err := m.prepareReplacement(ctx, doc)
	return op, raw, err
}

// ReplaceOne validates doc and replaces the first document matching filter
// with it (replaceOne hooks; op.Doc is the replacement).
func (m *Model[T]) ReplaceOne(ctx context.Context, filter any, doc *T, o *UpdateOpts) (_ *mongo.UpdateResult, err error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventReplaceOne, doc, &err)
	op, raw, err := m.preReplace(ctx, EventReplaceOne, filter, doc, o != nil && o.Upsert)
	if err != nil {
		return nil, err
	}
	defer m.wroteFilter(ctx, op.Filter, o != nil && o.Upsert)
	res, err := m.coll.ReplaceOne(ctx, op.Filter, raw, options.Replace().SetUpsert(o != nil && o.Upsert))
	if err != nil {
		return nil, err
	}
	op.Result = res
	return res, m.run(ctx, false, op)
}

// FindOneAndUpdateOpts are options of FindOneAndUpdate and
// FindOneAndReplace.
type FindOneAndUpdateOpts struct {
	// ReturnAfter returns the updated document instead of the original.
	ReturnAfter bool
	Upsert      bool
	Sort        bson.D
	// NoDefaultsOnInsert, NoTimestamps and ArrayFilters are UpdateOpts'
	// (FindOneAndUpdate only).
	NoDefaultsOnInsert bool
	NoTimestamps       bool
	ArrayFilters       []any
}

// FindOneAndDeleteOpts are options of FindOneAndDelete.
type FindOneAndDeleteOpts struct {
	Sort bson.D
}

// found decodes the document a findAndModify returned, tracks it and runs
// the post hooks.
func (m *Model[T]) found(ctx context.Context, res *mongo.SingleResult, op *Op[T]) (*T, error) {
	raw, err := res.Raw()
	if err != nil {
		if err == mongo.ErrNoDocuments {
			return nil, ErrNotFound
		}
		return nil, err
	}
	// select:false paths are removed here rather than by a projection,
	// which not every server supports on findAndModify.
	if raw, err = m.stripHidden(raw); err != nil {
		return nil, err
	}
	doc, err := m.hydrate(raw, projSelector(m.hiddenProj))
	if err != nil {
		return nil, err
	}
	op.Doc, op.Result = doc, doc
	return doc, m.run(ctx, false, op)
}

func (m *Model[T]) findOneAndUpdate(ctx context.Context, op *Op[T], o *FindOneAndUpdateOpts) *mongo.SingleResult {
	fo := options.FindOneAndUpdate().SetUpsert(o.Upsert)
	if o.ReturnAfter {
		fo.SetReturnDocument(options.After)
	}
	if o.Sort != nil {
		fo.SetSort(o.Sort)
	}
	if o.ArrayFilters != nil {
		fo.SetArrayFilters(o.ArrayFilters)
	}
	defer m.wroteFilter(ctx, op.Filter, o.Upsert)
	return m.coll.FindOneAndUpdate(ctx, op.Filter, op.Update, fo)
}

// FindOneAndUpdate atomically updates one document and returns it (before
// or after the update). It returns ErrNotFound when nothing matched.
func (m *Model[T]) FindOneAndUpdate(ctx context.Context, filter, update any, o *FindOneAndUpdateOpts) (_ *T, err error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventFindOneAndUpdate, nil, &err)
	if o == nil {
		o = &FindOneAndUpdateOpts{}
	}
	pf, err := m.prepFilter(filter)
	if err != nil {
		return nil, m.preFailed(ctx, EventFindOneAndUpdate, err)
	}
	pu, err := toD(update)
	if err != nil {
		return nil, m.preFailed(ctx, EventFindOneAndUpdate, err)
	}
	op := m.newOp(EventFindOneAndUpdate)
	var dropped bool
	given := o
	cast := func(pf, pu bson.D) error {
		var err error
		op.Filter, op.Update, dropped, err = m.castUpdateQuery(ctx, pf, pu, updateOpts{upsert: given.Upsert, noDefaults: given.NoDefaultsOnInsert, noTimestamps: given.NoTimestamps})
		if err != nil {
			return err
		}
		if given.ArrayFilters != nil {
			af, err := m.schema.castArrayFilters(given.ArrayFilters, op.Update)
			if err != nil {
				return err
			}
			oc := *given
			oc.ArrayFilters = af
			o = &oc
		}
		return nil
	}
	if err := m.castThenPre(ctx, op, pf, pu, cast); err != nil {
		return nil, err
	}
	if dropped && len(op.Update) == 0 {
		// Only immutable or unknown paths: Mongoose finds the document
		// without changing it.
		fo := options.FindOne()
		if o.Sort != nil {
			fo.SetSort(o.Sort)
		}
		return m.found(ctx, m.coll.FindOne(ctx, op.Filter, fo), op)
	}
	return m.found(ctx, m.findOneAndUpdate(ctx, op, o), op)
}

// FindOneAndReplace atomically replaces one document with doc (validated)
// and returns the original, or the replacement with ReturnAfter.
func (m *Model[T]) FindOneAndReplace(ctx context.Context, filter any, doc *T, o *FindOneAndUpdateOpts) (_ *T, err error) {
	if m.offline() != nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventFindOneAndReplace, doc, &err)
	if o == nil {
		o = &FindOneAndUpdateOpts{}
	}
	op, raw, err := m.preReplace(ctx, EventFindOneAndReplace, filter, doc, o.Upsert)
	if err != nil {
		return nil, err
	}
	fo := options.FindOneAndReplace().SetUpsert(o.Upsert)
	if o.ReturnAfter {
		fo.SetReturnDocument(options.After)
	}
	if o.Sort != nil {
		fo.SetSort(o.Sort)
	}
	defer m.wroteFilter(ctx, op.Filter, o.Upsert)
	return m.found(ctx, m.coll.FindOneAndReplace(ctx, op.Filter, raw, fo), op)
}

// FindOneAndDelete atomically deletes one document and returns it. A pre
// hook that sets op.Update (soft deletion) makes it an update returning
// the document as it was.
func (m *Model[T]) FindOneAndDelete(ctx context.Context, filter any, o *FindOneAndDeleteOpts) (_ *T, err error) {
	if m.offline() != nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventFindOneAndDelete, nil, &err)
	op, err := m.preQuery(ctx, EventFindOneAndDelete, filter)
	if err != nil {
		return nil, err
	}
	var sort bson.D
	if o != nil {
		sort = o.Sort
	}
	if op.Update != nil {
		if op.Update, err = m.update(ctx, op.Update, updateOpts{}); err != nil {
			return nil, err
		}
		return m.found(ctx, m.findOneAndUpdate(ctx, op, &FindOneAndUpdateOpts{Sort: sort}), op)
	}
	fo := options.FindOneAndDelete()
	if sort != nil {
		fo.SetSort(sort)
	}
	defer m.wroteFilter(ctx, op.Filter, false)
	return m.found(ctx, m.coll.FindOneAndDelete(ctx, op.Filter, fo), op)
}

func (m *Model[T]) deleteX(ctx context.Context, e Event, filter any) (_ int64, err error) {
	if m == nil {
		return 0, ErrNoDatabase
	}
	defer m.handleErr(ctx, e, nil, &err)
	op, err := m.preQuery(ctx, e, filter)
	if err != nil {
		return 0, err
	}
	defer m.wroteFilter(ctx, op.Filter, false)
	var n int64
	if op.Update != nil { // a hook turned the deletion into an update
		if op.Update, err = m.update(ctx, op.Update, updateOpts{}); err != nil {
			return 0, err
		}
		var res *mongo.UpdateResult
		if e == EventDeleteMany {
			res, err = m.coll.UpdateMany(ctx, op.Filter, op.Update)
		} else {
			res, err = m.coll.UpdateOne(ctx, op.Filter, op.Update)
		}
		if err != nil {
			return 0, err
		}
		op.Result, n = res, res.MatchedCount
	} else {
		var res *mongo.DeleteResult
		if e == EventDeleteMany {
			res, err = m.coll.DeleteMany(ctx, op.Filter)
		} else {
			res, err = m.coll.DeleteOne(ctx, op.Filter)
		}
		if err != nil {
			return 0, err
		}
		op.Result, n = res, res.DeletedCount
	}
	return n, m.run(ctx, false, op)
}

// DeleteOne deletes the first document matching filter and returns the
// number deleted (0 or 1).
func (m *Model[T]) DeleteOne(ctx context.Context, filter any) (int64, error) {
	return m.deleteX(ctx, EventDeleteOne, filter)
}

// DeleteMany deletes every document matching filter.
func (m *Model[T]) DeleteMany(ctx context.Context, filter any) (int64, error) {
	return m.deleteX(ctx, EventDeleteMany, filter)
}

// Count counts the documents matching filter (countDocuments hooks).
func (m *Model[T]) Count(ctx context.Context, filter any) (int64, error) {
	return m.Find(filter).Count(ctx)
}

// CountDocuments is Count, under Mongoose's name.
func (m *Model[T]) CountDocuments(ctx context.Context, filter any) (int64, error) {
	return m.Count(ctx, filter)
}

// EstimatedDocumentCount returns the collection's document count from its
// metadata (estimatedDocumentCount hooks). When a pre hook sets a filter
// (a tenant or soft-delete scope), it counts that filter exactly instead:
// metadata cannot be scoped.
func (m *Model[T]) EstimatedDocumentCount(ctx context.Context) (_ int64, err error) {
	if m == nil {
		return 0, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventEstimatedDocumentCount, nil, &err)
	op := m.newOp(EventEstimatedDocumentCount)
	if err := m.run(ctx, true, op); err != nil {
		return 0, err
	}
	var n int64
	if len(op.Filter) > 0 {
		n, err = m.coll.CountDocuments(ctx, op.Filter)
	} else {
		n, err = m.coll.EstimatedDocumentCount(ctx)
	}
	if err != nil {
		return 0, err
	}
	op.Result = n
	return n, m.run(ctx, false, op)
}

// Exists reports whether a document matches filter (findOne hooks, as
// Mongoose's exists is a findOne).
func (m *Model[T]) Exists(ctx context.Context, filter any) (_ bool, err error) {
	if m == nil {
		return false, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventFindOne, nil, &err)
	op, err := m.preQuery(ctx, EventFindOne, filter)
	if err != nil {
		return false, err
	}
	err = m.coll.FindOne(ctx, op.Filter, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if err == mongo.ErrNoDocuments {
		op.Result = false
		return false, m.run(ctx, false, op)
	}
	if err != nil {
		return false, err
	}
	op.Result = true
	return true, m.run(ctx, false, op)
}

// Distinct returns the distinct values of field among matching documents
// (distinct hooks).
func (m *Model[T]) Distinct(ctx context.Context, field string, filter any) (_ []any, err error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventDistinct, nil, &err)
	if field == "" {
		return nil, invalidf("Distinct needs a field")
	}
	f, err := m.filter(filter)
	if err != nil {
		return nil, err
	}
	op := m.newOp(EventDistinct)
	op.Filter, op.Field = f, field
	if err := m.run(ctx, true, op); err != nil {
		return nil, err
	}
	res := m.coll.Distinct(ctx, op.Field, op.Filter)
	if err := res.Err(); err != nil {
		return nil, err
	}
	var out bson.A
	if err := res.Decode(&out); err != nil {
		return nil, err
	}
	op.Result = []any(out)
	return []any(out), m.run(ctx, false, op)
}

// FindByID returns the document with the given _id (an ObjectID, or its hex
// string), or ErrNotFound.
func (m *Model[T]) FindByID(ctx context.Context, id any) (*T, error) {
	return m.FindOne(bson.D{{Key: "_id", Value: id}}).One(ctx)
}

// hiddenPaths adds the select:false paths of s (under prefix) to proj,
// those of its subdocuments too (sub.pin, items.pin), as Mongoose
// excludes them from every query that does not select them.
func hiddenPaths(s *Schema, prefix string, proj bson.D) bson.D {
	for _, p := range s.paths {
		if p.Hidden {
			proj = append(proj, bson.E{Key: prefix + p.Name, Value: 0})
			continue
		}
		if ss := p.subSchema(); ss != nil && ss != s && p.Type != TypeMap {
			proj = hiddenPaths(ss, prefix+p.Name+".", proj)
		}
	}
	return proj
}

// stripHidden removes select:false paths from a document.
func (m *Model[T]) stripHidden(raw bson.Raw) (bson.Raw, error) {
	if len(m.hiddenProj) == 0 {
		return raw, nil
	}
	hidden := make(map[string]bool, len(m.hiddenProj))
	for _, e := range m.hiddenProj {
		hidden[e.Key] = true
	}
	elems, err := raw.Elements()
	if err != nil {
		return nil, err
	}
	d := make(bson.D, 0, len(elems))
	for _, e := range elems {
		if !hidden[e.Key()] {
			d = append(d, bson.E{Key: e.Key(), Value: e.Value()})
		}
	}
	return bson.Marshal(d)
}
