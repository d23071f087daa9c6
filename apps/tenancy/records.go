package tenancy

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
)

// Record is a tenant's flexible document (the guide's tenantSchema):
// free-form data and user-defined custom fields.
type Record struct {
	ID             bson.ObjectID  `bson:"_id,omitempty" json:"id"`
	TenantID       string         `bson:"tenantId" json:"tenantId"`
	CollectionName string         `bson:"collectionName,omitempty" json:"collectionName"`
	Data           bson.M         `bson:"data,omitempty" json:"data"`
	CustomFields   map[string]any `bson:"customFields,omitempty" json:"customFields"`
	CreatedAt      time.Time      `bson:"createdAt" json:"createdAt"`
	UpdatedAt      time.Time      `bson:"updatedAt" json:"updatedAt"`
}

// RecordSchema is the guide's tenantSchema: tenantId (required, indexed,
// immutable), collectionName, data (Mixed), customFields (a Map of Mixed),
// strict off, and the two compound indexes {tenantId, data.status} and
// {tenantId, data.createdAt: -1}; with mongo/odm's Tenant plugin, which
// scopes every operation of the model to the tenant in the context
// (odm.WithTenant) and fails closed without one.
func RecordSchema() *odm.Schema {
	s := odm.NewSchema(&odm.SchemaOpts{Strict: odm.StrictOff, Timestamps: odm.DefaultTimestamps},
		odm.String(TenantField).Required(),
		odm.String("collectionName"),
		odm.Mixed("data"),
		odm.MapOf("customFields", odm.Mixed("")),
	)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: TenantField, Value: 1}, {Key: "data.status", Value: 1}}})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: TenantField, Value: 1}, {Key: "data.createdAt", Value: -1}}})
	// The plugin makes the tenant path immutable, indexes it, and adds the
	// tenant to every filter, aggregate and written document. It has no
	// failure of its own.
	if err := s.Plugin(odm.Tenant(&odm.TenantOpts{Field: TenantField})); err != nil {
		panic(err)
	}
	return s
}

// FieldNameError reports a custom field name that cannot be used (HTTP 400).
type FieldNameError struct {
	Name   string
	Reason string
}

func (e *FieldNameError) Error() string {
	return fmt.Sprintf("tenancy: custom field name %.40q: %s", e.Name, e.Reason)
}

// MaxFieldNameLen bounds custom field names (bytes).
const MaxFieldNameLen = 64

// MaxCustomFields bounds the custom fields of one record.
const MaxCustomFields = 50

// ValidateFieldName accepts names of 1 to MaxFieldNameLen bytes of valid
// UTF-8 without "$" (operators), "." (paths), NUL or control characters,
// so a user's field name can never change the shape of a query or update.
func ValidateFieldName(name string) error {
	bad := func(r string) error { return &FieldNameError{Name: name, Reason: r} }
	switch {
	case name == "":
		return bad("empty")
	case len(name) > MaxFieldNameLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxFieldNameLen))
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	}
	for _, r := range name {
		switch {
		case r == '$':
			return bad(`contains "$"`)
		case r == '.':
			return bad(`contains "."`)
		case r < 0x20 || r == 0x7f:
			return bad("contains a control character")
		}
	}
	return nil
}

// ErrRecordShape reports a record with too many custom fields or data
// nested too deep.
var ErrRecordShape = errors.New("tenancy: record too large")

// ErrFieldValue reports a custom field value that is not a scalar.
var ErrFieldValue = errors.New("tenancy: custom field values must be strings, numbers, booleans or null")

func checkFields(fields map[string]any) error {
	if len(fields) > MaxCustomFields {
		return fmt.Errorf("%w: at most %d custom fields", ErrRecordShape, MaxCustomFields)
	}
	for k, v := range fields {
		if err := ValidateFieldName(k); err != nil {
			return err
		}
		if !scalar(v) {
			return fmt.Errorf("%w (field %q)", ErrFieldValue, k)
		}
	}
	return nil
}

// checkData validates every key of free-form data, at any depth (at most
// 8 levels), with ValidateFieldName.
func checkData(v any, depth int) error {
	if depth > 8 {
		return fmt.Errorf("%w: data nested deeper than 8 levels", ErrRecordShape)
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if err := ValidateFieldName(k); err != nil {
				return err
			}
			if err := checkData(e, depth+1); err != nil {
				return err
			}
		}
	case bson.M:
		return checkData(map[string]any(x), depth)
	case []any:
		for _, e := range x {
			if err := checkData(e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func scalar(v any) bool {
	switch v.(type) {
	case nil, string, bool, float64, float32, int, int32, int64:
		return true
	}
	return false
}

// Records stores tenants' flexible documents through mongo/odm. The model
// carries the odm Tenant plugin: every method scopes its context to the
// tenant (Scope), and the plugin adds the tenant to the filter of each
// read, count, distinct, update, delete and populate, to each aggregate
// and to each document written. Code that uses Model directly gets the
// same scope, and without a tenant in the context every operation fails
// with odm.ErrNoTenant: there is no unscoped path.
type Records struct {
	m *odm.Model[Record]
}

// NewRecords binds the model to db's "records" collection and creates its
// indexes.
func NewRecords(ctx context.Context, db *mongo.Database) (*Records, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalid)
	}
	m, err := odm.NewModel[Record](db, "Record", RecordSchema(), &odm.ModelOpts{Collection: "records"})
	if err != nil {
		return nil, err
	}
	if _, err := m.SyncIndexes(ctx, nil); err != nil {
		return nil, fmt.Errorf("tenancy: record indexes: %w", err)
	}
	return &Records{m: m}, nil
}

// Model is the underlying odm model; its operations need a context from
// Scope.
func (r *Records) Model() *odm.Model[Record] {
	if r == nil {
		return nil
	}
	return r.m
}

// Scope returns ctx scoped to tenant for the model's operations.
func Scope(ctx context.Context, tenant string) (context.Context, error) {
	if _, err := ParseTenantID(tenant); err != nil {
		return nil, err
	}
	return odm.WithTenant(ctx, tenant), nil
}

// Create stores rec for tenant; rec.TenantID is set to tenant, and a
// record naming another tenant is refused (odm.ErrTenantMismatch).
func (r *Records) Create(ctx context.Context, tenant string, rec *Record) error {
	if r == nil {
		return fmt.Errorf("%w: nil *Records", ErrInvalid)
	}
	ctx, err := Scope(ctx, tenant)
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("%w: nil record", ErrInvalid)
	}
	if err := checkFields(rec.CustomFields); err != nil {
		return err
	}
	if err := checkData(rec.Data, 0); err != nil {
		return err
	}
	return r.m.Create(ctx, rec)
}

// RecordQuery selects a tenant's records: by collection and, optionally,
// one custom field's value.
type RecordQuery struct {
	Collection string
	Field      string // validated custom field name; "" for none
	Value      any    // a scalar
	Limit      int64  // default 100
}

// filter builds q's conditions; the plugin adds the tenant.
func (r *Records) filter(q *RecordQuery) (bson.D, error) {
	f := bson.D{}
	if q == nil {
		return f, nil
	}
	if q.Collection != "" {
		f = append(f, bson.E{Key: "collectionName", Value: q.Collection})
	}
	if q.Field != "" {
		if err := ValidateFieldName(q.Field); err != nil {
			return nil, err
		}
		if !scalar(q.Value) {
			return nil, ErrFieldValue
		}
		f = append(f, bson.E{Key: "customFields." + q.Field, Value: q.Value})
	}
	return f, nil
}

// Find returns tenant's records matching q, newest first.
func (r *Records) Find(ctx context.Context, tenant string, q *RecordQuery) ([]*Record, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil *Records", ErrInvalid)
	}
	ctx, err := Scope(ctx, tenant)
	if err != nil {
		return nil, err
	}
	f, err := r.filter(q)
	if err != nil {
		return nil, err
	}
	limit := int64(100)
	if q != nil && q.Limit > 0 && q.Limit < limit {
		limit = q.Limit
	}
	return r.m.Find(f).Sort("-createdAt").Limit(limit).Lean().All(ctx)
}

// Count counts tenant's records matching q.
func (r *Records) Count(ctx context.Context, tenant string, q *RecordQuery) (int64, error) {
	if r == nil {
		return 0, fmt.Errorf("%w: nil *Records", ErrInvalid)
	}
	ctx, err := Scope(ctx, tenant)
	if err != nil {
		return 0, err
	}
	f, err := r.filter(q)
	if err != nil {
		return 0, err
	}
	return r.m.Count(ctx, f)
}

// SetField sets one custom field of one of tenant's records; matched is
// false when tenant has no record with that id.
func (r *Records) SetField(ctx context.Context, tenant string, id bson.ObjectID, name string, value any) (matched bool, err error) {
	if r == nil {
		return false, fmt.Errorf("%w: nil *Records", ErrInvalid)
	}
	ctx, err = Scope(ctx, tenant)
	if err != nil {
		return false, err
	}
	if err := ValidateFieldName(name); err != nil {
		return false, err
	}
	if !scalar(value) {
		return false, ErrFieldValue
	}
	res, err := r.m.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "customFields." + name, Value: value}}}}, nil)
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// Delete removes one of tenant's records.
func (r *Records) Delete(ctx context.Context, tenant string, id bson.ObjectID) (bool, error) {
	if r == nil {
		return false, fmt.Errorf("%w: nil *Records", ErrInvalid)
	}
	ctx, err := Scope(ctx, tenant)
	if err != nil {
		return false, err
	}
	n, err := r.m.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return n == 1, err
}
