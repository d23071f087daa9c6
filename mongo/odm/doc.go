// Package odm is a Mongoose-style object-document mapper on the official
// MongoDB Go driver (v2): schemas, casting, validation, typed models,
// hooks, indexes, pagination and transactions.
//
// # Schemas
//
// A schema comes from a struct's `bson` and `odm` tags (SchemaFor), from
// path builders (NewSchema with String, Number, Date, Array, Subdoc...), or
// both: tags declare the common options and Schema.Path adds what needs
// code (custom validators, messages):
//
//	type Product struct {
//		ID       bson.ObjectID `bson:"_id,omitempty"`
//		Name     string        `bson:"name" odm:"required=Product name is required,trim,maxlength=100"`
//		Price    float64       `bson:"price" odm:"required,min=0"`
//		Category string        `bson:"category" odm:"enum=electronics|clothing|books"`
//	}
//
// Validation reports every failing path at once in a *ValidationError with
// the paths, kinds ("required", "min", "enum", "regexp", "user defined",
// or Mongoose's cast kind such as "Number" or "date" for a cast error) and
// default messages Mongoose 9 reports; TestMongooseParity checks them
// against fixtures recorded from Mongoose 9.12.1 (testdata/mongoose,
// make mongoose-fixtures). Go has no "undefined": a nil pointer, nil map, empty string,
// zero time.Time or zero ObjectID counts as missing; use pointer fields to
// tell 0 or false (or "") from missing. Defaults apply to missing (zero)
// fields. In Cast's input an empty string is a value (enum, minlength and custom
// validators run on it) and custom validators run on an explicit null.
//
// Model.Cast builds a document from loosely typed input (decoded JSON) by
// Mongoose's casting rules ("42" -> 42, "yes" -> true, hex -> ObjectID, ISO
// string -> Date, a single value -> one-element array) and validates it
// with exact "missing" semantics.
//
// # Models
//
// Model[T] offers Create, InsertMany, Save, Find/FindOne/FindByID with a
// chainable Query (Select, Sort, Skip, Limit, Lean, Hint, MaxTime, Page,
// Keyset), Count, Exists, Distinct, UpdateOne/UpdateMany, FindOneAndUpdate,
// DeleteOne/DeleteMany, BulkWrite, Aggregate and Explain.
//
//   - Updates are cast and validated against the schema by default
//     ($set, $setOnInsert, $min, $max, $unset of required paths, $inc and
//     $mul casts, $push and $addToSet elements); immutable and unknown paths
//     are dropped, or rejected with StrictThrow.
//   - Filters are cast too, and $where, $function and $accumulator are
//     rejected unless ModelOpts.AllowJSFilters is set.
//   - Documents read by hydrated (non-lean) queries get the defaults of
//     the paths they lack and are tracked: Save sends only what changed
//     ($set/$unset, $push of appended and $pullAll of removed array
//     elements), versioned as Mongoose versions (array changes only, or
//     every save with SchemaOpts.OptimisticConcurrency), and returns a
//     *StaleDocumentError (Mongoose's VersionError) if someone else saved
//     the document in between. IsNew, IsModified, ModifiedPaths and
//     MarkModified are Mongoose's change tracking. A change of an
//     immutable path is ignored (the stored value is put back), as in
//     Mongoose.
//   - Timestamps (createdAt/updatedAt, names configurable) are maintained.
//
// Hooks (Model.Pre, Model.Post, Schema.Pre for plugins) run around every
// operation under Mongoose's middleware names (find, findOne,
// countDocuments, updateOne, deleteMany, aggregate, bulkWrite, ...), lean
// queries and populate included; a pre-hook error aborts the operation.
// Plugins (Schema.Plugin, GlobalPlugin) bundle paths, hooks and indexes;
// Tenant and SoftDelete ship with the package. Filters decoded from
// untrusted maps are sanitized against operator injection (SanitizeMode)
// and unknown filter paths follow SchemaOpts.StrictQuery.
// Virtuals are computed fields included by Model.JSON on request.
//
// SyncIndexes creates the indexes the schema declares (field options and
// Schema.AddIndex: compound, unique, sparse, text with weights, 2dsphere,
// hashed, TTL, partial, collation), drops and recreates changed ones,
// drops those it created earlier and the schema no longer declares (and
// the others only on request), and reports the diff.
//
// WithTransaction runs a function in a transaction through the driver's
// Session.WithTransaction (which retries on TransientTransactionError and
// UnknownTransactionCommitResult with jittered backoff), adding its own
// deadline, the attempt count and *TxError; model calls inside use the
// session carried by ctx. Monitor reports every command as a QueryEvent,
// the shape postgres/orm and redis/redisotel report too.
//
// # Populate
//
// Reference fields are odm.Ref[U] (one) and odm.Refs[U] (an array); they
// store ObjectIDs and marshal back to them. odm.DynRef is a dynamic
// reference (Mongoose's refPath) whose model another path names,
// populated from PopulateOpts.Models. Model.Populate and
// Query.Populate fill them from another model with one {_id: {$in}}
// query per path and nesting level, never one per document:
//
//	posts.Find(nil).Populate(
//		odm.PopulateOpts{Path: "author", From: users, Select: "name email"},
//		odm.PopulateOpts{Path: "comments", From: comments, Sort: "-createdAt", PerDocumentLimit: 10,
//			Populate: []odm.PopulateOpts{{Path: "author", From: users}}},
//		odm.PopulateOpts{Path: "likes", From: likes, ForeignField: "postId", Count: true},
//	).All(ctx)
//
// Missing references populate as empty. Limit is global, as in Mongoose;
// PerDocumentLimit caps each document. Virtual populate (ForeignField)
// fills a `bson:"-" odm:"virtual=name"` field from a reverse relation,
// or counts it. The Lookup strategy sends one aggregate with $lookup
// stages instead (MongoDB 5.0+).
//
// # Query tooling
//
// Text builds $text filters and Model.TextSearch returns documents with
// their scores, best first; Near, WithinRadius, WithinPolygon and
// WithinBox build checked geospatial filters on GeoJSON Points.
// Query.ExplainSummary and SummarizeExplain reduce explain replies
// (classic and slot-based engines, sharded, FerretDB) to the winning
// plan, the indexes used and documents examined vs. returned;
// RequireIndexed fails a test whose query scans the collection.
// Model.Watch opens a change stream with resume tokens; servers without
// change streams give an *UnsupportedError. AggregatePipeline runs a
// pipeline of package agg with the aggregate hooks.
package odm
