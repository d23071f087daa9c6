package odm_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type Product struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	Name     string        `bson:"name"`
	Price    float64       `bson:"price"`
	Category string        `bson:"category,omitempty"`
}

// productSchema is the guide's product schema, built programmatically.
// The guide's two-decimals check (v % 0.01 === 0) rejects most prices
// because of binary floating point; this one compares in cents.
func productSchema() *odm.Schema {
	return odm.NewSchema(nil,
		odm.String("name").Required("Product name is required").Trim().MaxLength(100, "Name cannot exceed 100 characters"),
		odm.Number("price").Required().Min(0, "Price cannot be negative").Validate(func(v any) bool {
			f := v.(float64)
			return math.Abs(f*100-math.Round(f*100)) < 1e-6
		}, "Price must have at most two decimal places"),
		odm.String("category").EnumStrings([]string{"electronics", "clothing", "books"}, "{VALUE} is not a valid category"),
	)
}

type fieldWant struct{ kind, message string }

// The expected paths, kinds and messages are what Mongoose 9 reports for
// the same schema and input (ValidationError.errors[path].kind/.message);
// TestMongooseParity checks the same rules against fixtures recorded from
// Mongoose itself. This table covers the Go-declared (tag) schemas.
func TestCastValidateMatchesMongoose(t *testing.T) {
	products := odm.MustModel[Product](nil, "Product", productSchema(), nil)
	users := odm.MustModel[User](nil, "User", nil, nil)
	orders := odm.MustModel[Order](nil, "Order", nil, nil)
	taggedSchema := odm.MustSchemaFor[Tagged](nil)
	taggedSchema.Path("code").Validate(func(v any) bool { return strings.HasPrefix(v.(string), "C-") }, "{VALUE} is not a code for {PATH}")
	taggedSchema.Path("level").Max(10, "{PATH} {VALUE} above {MAX}")
	tagged := odm.MustModel[Tagged](nil, "Tagged", taggedSchema, nil)
	long := strings.Repeat("x", 101)
	cases := []struct {
		name  string
		model func(map[string]any) error
		input map[string]any
		want  map[string]fieldWant
	}{
		{"product empty", cast(products), map[string]any{}, map[string]fieldWant{
			"name":  {"required", "Product name is required"},
			"price": {"required", "Path `price` is required."},
		}},
		{"product blank name negative price", cast(products), map[string]any{"name": "   ", "price": -1}, map[string]fieldWant{
			"name":  {"required", "Product name is required"},
			"price": {"min", "Price cannot be negative"},
		}},
		{"product price not a number", cast(products), map[string]any{"name": "x", "price": "abc"}, map[string]fieldWant{
			"price": {"Number", `Cast to Number failed for value "abc" (type string) at path "price" for model "Product"`},
		}},
		{"product three decimals", cast(products), map[string]any{"name": "x", "price": 10.005}, map[string]fieldWant{
			"price": {"user defined", "Price must have at most two decimal places"},
		}},
		{"product enum template", cast(products), map[string]any{"name": "x", "price": 5, "category": "toys"}, map[string]fieldWant{
			"category": {"enum", "toys is not a valid category"},
		}},
		{"product maxlength", cast(products), map[string]any{"name": long, "price": 1}, map[string]fieldWant{
			"name": {"maxlength", "Name cannot exceed 100 characters"},
		}},
		{"product valid with string price", cast(products), map[string]any{"name": " Book ", "price": "12.50", "category": "books"}, nil},
		{"user defaults messages", cast(users), map[string]any{"username": "ann", "email": "bad", "age": "17", "status": "gone"}, map[string]fieldWant{
			"email":  {"regexp", "Path `email` is invalid (bad)."},
			"age":    {"min", "Path `age` (17) is less than minimum allowed value (18)."},
			"status": {"enum", "`gone` is not a valid enum value for path `status`."},
		}},
		{"user max", cast(users), map[string]any{"username": "ann", "email": "a@b", "age": 101}, map[string]fieldWant{
			"age": {"max", "Path `age` (101) is more than maximum allowed value (100)."},
		}},
		{"user boolean casts to number", cast(users), map[string]any{"username": "ann", "email": "a@b", "age": true}, map[string]fieldWant{
			"age": {"min", "Path `age` (1) is less than minimum allowed value (18)."},
		}},
		{"user nested required", cast(users), map[string]any{"username": "ann", "email": "a@b", "address": map[string]any{"street": "Main"}}, map[string]fieldWant{
			"address.city": {"required", "Path `city` is required."},
		}},
		{"user subdocument not an object", cast(users), map[string]any{"username": "ann", "email": "a@b", "address": "Main St"}, map[string]fieldWant{
			"address": {"Embedded", `Cast to Embedded failed for value "Main St" (type string) at path "address" for model "User" because of "ObjectExpectedError"`},
		}},
		{"order array element cast", cast(orders), map[string]any{"customer": "64b7f0c2a1b2c3d4e5f60718", "nums": []any{1, "x"}}, map[string]fieldWant{
			"nums.1": {"[Number]", `Cast to [Number] failed for value "[ 1, 'x' ]" (type string) at path "nums.1" for model "Order" because of "CastError"`},
		}},
		{"order subdocument array", cast(orders), map[string]any{"customer": "64b7f0c2a1b2c3d4e5f60718", "items": []any{map[string]any{"sku": "a", "qty": 1}, map[string]any{"qty": 0}}}, map[string]fieldWant{
			"items.1.sku": {"required", "Path `sku` is required."},
			"items.1.qty": {"min", "Path `qty` (0) is less than minimum allowed value (1)."},
		}},
		{"order bad object id and date", cast(orders), map[string]any{"customer": "nope", "placedAt": "yesterday"}, map[string]fieldWant{
			"customer": {"ObjectId", `Cast to ObjectId failed for value "nope" (type string) at path "customer" for model "Order"`},
			"placedAt": {"date", `Cast to date failed for value "yesterday" (type string) at path "placedAt" for model "Order"`},
		}},
		{"order bool cast", cast(orders), map[string]any{"customer": "64b7f0c2a1b2c3d4e5f60718", "paid": "maybe"}, map[string]fieldWant{
			"paid": {"Boolean", `Cast to Boolean failed for value "maybe" (type string) at path "paid" for model "Order" because of "CastError"`},
		}},
		{"order minlength and map values", cast(orders), map[string]any{"customer": "64b7f0c2a1b2c3d4e5f60718", "note": "ab", "meta": map[string]any{"a": "x"}}, map[string]fieldWant{
			"note":   {"minlength", "Path `note` (`ab`, length 2) is shorter than the minimum allowed length (3)."},
			"meta.a": {"Number", `Cast to Number failed for value "x" (type string) at path "meta.$*" for model "Order"`},
		}},
		{"order date before min", cast(orders), map[string]any{"customer": "64b7f0c2a1b2c3d4e5f60718", "placedAt": "1999-12-31"}, map[string]fieldWant{
			"placedAt": {"min", "Path `placedAt` (Fri Dec 31 1999 00:00:00 GMT+0000 (Coordinated Universal Time)) is before minimum allowed value (Sat Jan 01 2000 00:00:00 GMT+0000 (Coordinated Universal Time))."},
		}},
		{"order epoch millis date and array enum", cast(tagged), map[string]any{"at": 1.7e12, "tags": []any{"go", "rust", "cobol"}}, map[string]fieldWant{
			"tags.2": {"enum", "`cobol` is not a valid enum value for path `tags.2`."},
		}},
		{"custom messages with templates", cast(tagged), map[string]any{"at": "2024-05-01T10:00:00Z", "code": "abc", "level": 11}, map[string]fieldWant{
			"code":  {"user defined", "abc is not a code for code"},
			"level": {"max", "level 11 above 10"},
		}},
		{"required with message and empty array", cast(tagged), map[string]any{"tags": []any{}}, map[string]fieldWant{
			"at": {"required", "when is required"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.model(tc.input)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			var ve *odm.ValidationError
			require.True(t, errors.As(err, &ve), "want *ValidationError, got %v", err)
			got := map[string]fieldWant{}
			for p, fe := range ve.Errors {
				got[p] = fieldWant{fe.Kind, fe.Message}
			}
			require.Equal(t, tc.want, got)
			require.ErrorIs(t, err, odm.ErrValidation)
		})
	}
}

func cast[T any](m *odm.Model[T]) func(map[string]any) error {
	return func(in map[string]any) error {
		_, err := m.Cast(context.Background(), in)
		return err
	}
}

type Item struct {
	SKU string `bson:"sku" odm:"required"`
	Qty int    `bson:"qty" odm:"min=1"`
}

type Order struct {
	ID       bson.ObjectID    `bson:"_id,omitempty"`
	Customer bson.ObjectID    `bson:"customer" odm:"required,ref=User,index"`
	Items    []Item           `bson:"items"`
	Nums     []int            `bson:"nums"`
	PlacedAt time.Time        `bson:"placedAt" odm:"default=now,min=2000-01-01T00:00:00Z"`
	Paid     bool             `bson:"paid"`
	Note     string           `bson:"note,omitempty" odm:"minlength=3"`
	Meta     map[string]int   `bson:"meta,omitempty"`
	Total    *bson.Decimal128 `bson:"total,omitempty"` // Decimal128 is kept off FerretDB
	Extra    map[string]any   `bson:"extra,omitempty"`
	Lines    map[string]*Item `bson:"lines,omitempty"`
}

func TestCastResult(t *testing.T) {
	orders := odm.MustModel[Order](nil, "Order", nil, nil)
	before := time.Now().UTC().Add(-time.Second)
	o, err := orders.Cast(context.Background(), map[string]any{
		"customer": "64b7f0c2a1b2c3d4e5f60718",
		"items":    map[string]any{"sku": "a", "qty": "2"}, // a single value becomes an array
		"nums":     []any{"1", 2.0, true},
		"paid":     "yes",
		"total":    "12.34",
		"unknown":  "dropped",
	})
	require.NoError(t, err)
	require.Equal(t, "64b7f0c2a1b2c3d4e5f60718", o.Customer.Hex())
	require.Equal(t, []Item{{SKU: "a", Qty: 2}}, o.Items)
	require.Equal(t, []int{1, 2, 1}, o.Nums)
	require.True(t, o.Paid)
	require.Equal(t, "12.34", o.Total.String())
	require.True(t, o.PlacedAt.After(before), "default=now applied")
}

func TestStrictThrow(t *testing.T) {
	s := productSchema()
	strict := odm.NewSchema(&odm.SchemaOpts{Strict: odm.StrictThrow}, s.Paths()...)
	m := odm.MustModel[Product](nil, "Product", strict, nil)
	_, err := m.Cast(context.Background(), map[string]any{"name": "x", "price": 1, "color": "red"})
	var se *odm.StrictError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "color", se.Path)
	require.ErrorIs(t, err, odm.ErrStrict)
}

func TestAsyncValidatorAndSchemaValidator(t *testing.T) {
	s := productSchema()
	taken := map[string]bool{"dup": true}
	s.Path("name").ValidateCtx(func(ctx context.Context, v any) (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		return !taken[v.(string)], nil
	}, "name {VALUE} is taken")
	s.Validate(func(ctx context.Context, doc any) error {
		p := doc.(*Product)
		if p.Category == "books" && p.Price > 500 {
			return odm.Invalid("price", "books cost at most 500")
		}
		return nil
	})
	m := odm.MustModel[Product](nil, "Product", s, nil)
	ctx := context.Background()
	err := m.Validate(ctx, &Product{Name: "dup", Price: 1})
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "name is taken", "name "+strings.TrimPrefix(ve.Errors["name"].Message, "name dup "))
	require.Equal(t, "name dup is taken", ve.Errors["name"].Message)
	require.Equal(t, odm.KindUserDefined, ve.Errors["name"].Kind)

	err = m.Validate(ctx, &Product{Name: "ok", Price: 600, Category: "books"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "books cost at most 500", ve.Errors["price"].Message)
	require.Equal(t, "Product validation failed: price: books cost at most 500", err.Error())

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, m.Validate(cctx, &Product{Name: "x", Price: 1}), context.Canceled)
}

func TestSchemaTagErrors(t *testing.T) {
	type bad1 struct {
		A int `odm:"min=abc"`
	}
	type bad2 struct {
		A string `odm:"bogus"`
	}
	type bad3 struct {
		A string `odm:"match=("`
	}
	_, err := odm.SchemaFor[bad1](nil)
	require.ErrorIs(t, err, odm.ErrSchema)
	_, err = odm.SchemaFor[bad2](nil)
	require.ErrorIs(t, err, odm.ErrSchema)
	_, err = odm.SchemaFor[bad3](nil)
	require.ErrorIs(t, err, odm.ErrSchema)
}

type Tagged struct {
	At    time.Time `bson:"at" odm:"required=when is required"`
	Tags  []string  `bson:"tags" odm:"enum=go|rust"`
	Code  string    `bson:"code,omitempty"`
	Level int       `bson:"level"`
}

// Decimal128 values are encoded as BSON decimals (and kept off FerretDB,
// which drops the connection on them).
func TestDecimal128Encode(t *testing.T) {
	orders := odm.MustModel[Order](nil, "Order", nil, nil)
	o, err := orders.Cast(context.Background(), map[string]any{"customer": "64b7f0c2a1b2c3d4e5f60718", "total": 19.99})
	require.NoError(t, err)
	raw, err := bson.Marshal(o)
	require.NoError(t, err)
	v := bson.Raw(raw).Lookup("total")
	require.Equal(t, bson.TypeDecimal128, v.Type)
	require.Equal(t, "19.99", v.Decimal128().String())
}

func TestCastJSON(t *testing.T) {
	type Big struct {
		N     int64            `bson:"n" odm:"required"`
		F     float64          `bson:"f"`
		S     string           `bson:"s"`
		OK    bool             `bson:"ok"`
		Price *bson.Decimal128 `bson:"price,omitempty"`
	}
	m := odm.MustModel[Big](nil, "Big", nil, nil)
	ctx := context.Background()
	b, err := m.CastJSON(ctx, []byte(`{"n": 9007199254740993, "f": "1.5", "s": 12345678901234567890, "ok": 1, "price": 0.10}`))
	require.NoError(t, err)
	require.Equal(t, int64(9007199254740993), b.N, "exact beyond 2^53")
	require.Equal(t, 1.5, b.F)
	require.Equal(t, "12345678901234567890", b.S, "digits kept as written")
	require.True(t, b.OK)
	require.Equal(t, "0.10", b.Price.String())
	_, err = m.CastJSON(ctx, []byte(`[1,2]`))
	require.Error(t, err)
	_, err = m.CastJSON(ctx, []byte(`{"n":1} {"n":2}`))
	require.Error(t, err)
	_, err = m.CastJSON(ctx, []byte(`{"n": 1.5}`))
	require.True(t, odm.IsValidation(err), "1.5 is not an int64: %v", err)
}

// An empty string is a value for Cast (Mongoose runs enum, minlength and
// custom validators on it), but a Go struct's empty string field is its
// zero value, i.e. unset; a pointer to "" is a value.
func TestEmptyStringStructVersusCast(t *testing.T) {
	ctx := context.Background()
	type Box struct {
		Kind  string   `bson:"kind,omitempty" odm:"enum=box|crate"`
		Label *string  `bson:"label,omitempty" odm:"minlength=2"`
		Tags  []string `bson:"tags" odm:"trim,lowercase,enum=fragile|cold"`
	}
	m := odm.MustModel[Box](nil, "Box", nil, nil)
	require.NoError(t, m.Validate(ctx, &Box{}), "zero values are unset")
	empty := ""
	var ve *odm.ValidationError
	require.ErrorAs(t, m.Validate(ctx, &Box{Label: &empty}), &ve)
	require.Equal(t, map[string]string{"label": odm.KindMinLength}, ve.Kinds())
	_, err := m.Cast(ctx, map[string]any{"kind": "", "tags": []any{" Fragile ", ""}})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, map[string]string{"kind": odm.KindEnum, "tags.1": odm.KindEnum}, ve.Kinds())
	b, err := m.Cast(ctx, map[string]any{"tags": []any{" Fragile ", "COLD"}})
	require.NoError(t, err)
	require.Equal(t, []string{"fragile", "cold"}, b.Tags)
}

// Custom validators run on an explicit null (not on a missing path); one
// that panics on the nil fails the path instead of crashing.
func TestCustomValidatorOnNull(t *testing.T) {
	ctx := context.Background()
	calls := 0
	s := odm.NewSchema(nil, odm.String("code").Validate(func(v any) bool {
		calls++
		return strings.HasPrefix(v.(string), "C-") // panics on nil
	}, "{PATH} must start with C-"))
	m := odm.MustModel[map[string]any](nil, "Code", s, nil)
	_, err := m.Cast(ctx, map[string]any{})
	require.NoError(t, err)
	require.Zero(t, calls, "a missing path runs no custom validator")
	_, err = m.Cast(ctx, map[string]any{"code": nil})
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 1, calls)
	fe := ve.Errors["code"]
	// As a validator that throws in Mongoose: the thrown message wins.
	require.Equal(t, "interface conversion: interface {} is nil, not string", fe.Message)
	require.ErrorContains(t, fe.Reason, "validator panicked")
}

// As in Mongoose, a bad array element's CastError carries the whole
// array as given as its value.
func TestBadArrayElementValueIsTheArray(t *testing.T) {
	m := odm.MustModel[map[string]any](nil, "P", odm.NewSchema(nil, odm.Array("nums", odm.Number(""))), nil)
	_, err := m.Cast(context.Background(), map[string]any{"nums": []any{1.0, "x", 3.0}})
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []any{1.0, "x", 3.0}, ve.Errors["nums.1"].Value)
}

// Int32, Double, BigInt and UUID paths cast as Mongoose does and are
// stored as BSON int32, double, int64 and binary subtype 4: a BigInt
// beyond 2^53 comes back exact.
func TestInt32DoubleBigIntUUIDRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := odm.NewSchema(&odm.SchemaOpts{VersionKey: "-"},
		odm.Int32("i"), odm.Double("d"), odm.BigInt("b"), odm.UUID("u"))
	m, err := odm.NewModel[map[string]any](devenv.Mongo(t), "Typed", s, nil)
	require.NoError(t, err)
	doc, err := m.CastJSON(ctx, []byte(`{"i":"12","d":2,"b":9007199254740993,"u":"09190f70-3d30-11e5-8814-0f4df9a59c41"}`))
	require.NoError(t, err)
	require.NoError(t, m.Create(ctx, doc))
	raw, err := m.Collection().FindOne(ctx, bson.D{}).Raw()
	require.NoError(t, err)
	require.Equal(t, bson.TypeInt32, raw.Lookup("i").Type)
	require.Equal(t, bson.TypeDouble, raw.Lookup("d").Type)
	require.Equal(t, bson.TypeInt64, raw.Lookup("b").Type)
	require.Equal(t, int64(9007199254740993), raw.Lookup("b").Int64())
	sub, data := raw.Lookup("u").Binary()
	require.Equal(t, bson.TypeBinaryUUID, sub)
	require.Len(t, data, 16)

	_, err = m.Cast(ctx, map[string]any{"i": 1.5, "b": "0x1G"})
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, map[string]string{"i": "Int32", "b": "BigInt"}, ve.Kinds())
	require.Contains(t, ve.Errors["b"].Message, `because of "SyntaxError"`)
	// $inc on an Int32 path keeps it an integer.
	_, err = m.UpdateOne(ctx, bson.M{}, bson.M{"$inc": bson.M{"i": "3"}}, nil)
	require.NoError(t, err)
	raw, err = m.Collection().FindOne(ctx, bson.D{}).Raw()
	require.NoError(t, err)
	require.Equal(t, int32(15), raw.Lookup("i").Int32())
}

// validateBeforeSave: false (the schema's, or SaveWith's over it) skips
// validation on Create and Save, still applying transforms (trim);
// Validate itself still validates.
func TestNoValidateBeforeSave(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	s := odm.NewSchema(&odm.SchemaOpts{NoValidateBeforeSave: true},
		odm.String("name").Required().Trim(), odm.Number("price").Min(0), odm.String("category"))
	products := odm.MustModel[Product](db, "Product", s, nil)
	p := &Product{Name: "  Pen  ", Price: -1}
	require.NoError(t, products.Create(ctx, p), "the schema's option skips validation on Create")
	require.Equal(t, "Pen", p.Name, "transforms still apply")
	var ve *odm.ValidationError
	require.ErrorAs(t, products.Validate(ctx, p), &ve, "Validate still validates")

	yes := true
	p.Price = -2
	require.ErrorAs(t, products.SaveWith(ctx, p, &odm.SaveOpts{ValidateBeforeSave: &yes}), &ve, "the call's option overrides the schema's")
	require.NoError(t, products.Save(ctx, p))
	got, err := products.FindByID(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, -2.0, got.Price)

	strict := odm.MustModel[Product](db, "StrictProduct", productSchema(), nil)
	no := false
	q := &Product{Name: "Ink", Price: -3}
	require.ErrorAs(t, strict.Create(ctx, q), &ve, "validates by default")
	require.NoError(t, strict.SaveWith(ctx, q, &odm.SaveOpts{ValidateBeforeSave: &no}), "an untracked document is created without validation")
}
