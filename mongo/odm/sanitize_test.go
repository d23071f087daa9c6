package odm_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// A login filter decoded from a request body cannot inject operators.
func TestSanitizeUntrustedFilter(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	require.NoError(t, users.Create(ctx, &User{Username: "ann", Email: "a@x"}))
	age := 30
	require.NoError(t, users.Create(ctx, &User{Username: "bob", Email: "b@x", Age: &age}))

	decode := func(s string) map[string]any {
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &body))
		return body
	}
	body := decode(`{"username":{"$ne":null}}`)
	_, err := users.Find(body).All(ctx)
	var fe *odm.FieldError
	require.ErrorAs(t, err, &fe, "an object where a string belongs is a cast error, as in Mongoose")
	require.True(t, fe.IsCast())

	// On a path the schema does not type, the object is compared literally.
	body = decode(`{"nickname":{"$ne":null}}`)
	found, err := users.Find(body).All(ctx)
	require.NoError(t, err)
	require.Empty(t, found)
	f, err := users.CastFilter(body)
	require.NoError(t, err)
	js, err := bson.MarshalExtJSON(f, false, false)
	require.NoError(t, err)
	require.Equal(t, `{"nickname":{"$eq":{"$ne":null}}}`, string(js))

	// $where, $expr, $jsonSchema and $text are refused, as Mongoose does;
	// $and/$or/$nor are sanitized inside.
	for _, in := range []string{`{"$where":"1"}`, `{"$expr":{"$eq":[1,1]}}`, `{"$jsonSchema":{}}`, `{"$text":{"$search":"a"}}`, `{"$and":{"a":1}}`} {
		body = decode(in)
		_, err := users.Find(body).All(ctx)
		var fe *odm.FilterError
		require.ErrorAs(t, err, &fe, in)
		require.True(t, fe.Sanitized)
	}
	body = decode(`{"$or":[{"nickname":{"$exists":false}}]}`)
	found, err = users.Find(body).All(ctx)
	require.NoError(t, err)
	require.Empty(t, found, "$exists inside $or was neutralized")

	// A plain value and {$eq: v} pass; Trusted keeps the program's operators.
	found, err = users.Find(map[string]any{"username": "ann"}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 1)
	found, err = users.Find(map[string]any{"username": map[string]any{"$eq": "bob"}}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 1)
	found, err = users.Find(map[string]any{"username": odm.Trusted(bson.M{"$in": bson.A{"ann", "bob"}})}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 2)
	// Trusted operators are cast: "18" from a query string is the number 18.
	found, err = users.Find(map[string]any{"age": odm.Trusted(map[string]any{"$gte": "18"})}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, "bob", found[0].Username)

	// bson.M from code is trusted; UserFilter marks it untrusted.
	found, err = users.Find(bson.M{"username": bson.M{"$ne": nil}}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 2)
	_, err = users.Find(odm.UserFilter(bson.M{"username": bson.M{"$ne": nil}})).All(ctx)
	require.ErrorAs(t, err, &fe)

	// SanitizeAll treats every filter as untrusted, SanitizeOff none.
	all := odm.MustModel[User](users.Collection().Database(), "User", users.Schema(), &odm.ModelOpts{SanitizeFilter: odm.SanitizeAll})
	_, err = all.Find(bson.M{"username": bson.M{"$ne": nil}}).All(ctx)
	require.ErrorAs(t, err, &fe)
	off := odm.MustModel[User](users.Collection().Database(), "User", users.Schema(), &odm.ModelOpts{SanitizeFilter: odm.SanitizeOff})
	found, err = off.Find(map[string]any{"username": map[string]any{"$ne": nil}}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 2)
}

// Every path that takes a filter sanitizes it.
func TestSanitizeOnEveryFilterPath(t *testing.T) {
	ctx := context.Background()
	items := odm.MustModel[Gadget](devenv.Mongo(t), "Gadget", nil, nil)
	require.NoError(t, items.InsertMany(ctx, []*Gadget{{Name: "a"}, {Name: "b"}}))
	inject := func() map[string]any { return map[string]any{"name": map[string]any{"$ne": "zzz"}} }
	var fe *odm.FieldError
	for name, run := range map[string]func() error{
		"count":    func() error { _, err := items.Count(ctx, inject()); return err },
		"exists":   func() error { _, err := items.Exists(ctx, inject()); return err },
		"distinct": func() error { _, err := items.Distinct(ctx, "name", inject()); return err },
		"update": func() error {
			_, err := items.UpdateMany(ctx, inject(), bson.M{"$set": bson.M{"qty": 1}}, nil)
			return err
		},
		"delete":   func() error { _, err := items.DeleteMany(ctx, inject()); return err },
		"fodelete": func() error { _, err := items.FindOneAndDelete(ctx, inject(), nil); return err },
		"keyset":   func() error { _, err := items.Find(inject()).Keyset(ctx, "", 5); return err },
		"bulkwrite": func() error {
			_, err := items.BulkWrite(ctx, []odm.Write{odm.DeleteManyWrite(inject())}, nil)
			return err
		},
	} {
		require.ErrorAs(t, run(), &fe, name)
	}
	n, err := items.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
}

func TestStrictQuery(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	mk := func(mode odm.StrictQueryMode) *odm.Model[Gadget] {
		return odm.MustModel[Gadget](db, "Gadget", odm.MustSchemaFor[Gadget](&odm.SchemaOpts{StrictQuery: mode}), nil)
	}
	def := mk(odm.StrictQueryOff)
	require.NoError(t, def.InsertMany(ctx, []*Gadget{{Name: "a"}, {Name: "b"}}))

	found, err := def.Find(bson.M{"nmae": "a"}).All(ctx)
	require.NoError(t, err)
	require.Empty(t, found, "default (Mongoose's): the unknown path is sent and matches nothing")

	found, err = mk(odm.StrictQueryDrop).Find(bson.M{"nmae": "a", "qty": 0}).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 2, "dropped: only qty filters")

	_, err = mk(odm.StrictQueryThrow).Find(bson.M{"nmae": "a"}).All(ctx)
	var se *odm.StrictError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "nmae", se.Path)
	require.Equal(t, "Gadget", se.Model)
	require.ErrorIs(t, err, odm.ErrStrict)
	_, err = mk(odm.StrictQueryThrow).Count(ctx, bson.M{"$or": bson.A{bson.M{"nmae": 1}}})
	require.ErrorAs(t, err, &se, "inside $or too")
	n, err := mk(odm.StrictQueryThrow).Count(ctx, bson.M{"name": "a", "__v": 0, "_id": bson.M{"$exists": true}})
	require.NoError(t, err, "schema paths, _id and the version key are known")
	require.Equal(t, int64(1), n)
}
