package odm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type Member struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	First    string        `bson:"first"`
	Last     string        `bson:"last"`
	Email    string        `bson:"email"`
	Password string        `bson:"password,omitempty"`
	Cents    int64         `bson:"cents"`
	Profile  *Profile      `bson:"profile,omitempty"`
	V        int64         `bson:"__v"`
}

type Profile struct {
	Bio string `bson:"bio"`
}

// accounts has Mongoose's classic getter/setter pair: money stored in
// cents, read and written as a decimal string; emails masked by a getter.
func accounts(t *testing.T) *odm.Model[Member] {
	s := odm.MustSchemaFor[Member](nil)
	s.Path("cents").Set(func(v any) any {
		if str, ok := v.(string); ok {
			if f, err := strconv.ParseFloat(str, 64); err == nil {
				return math.Round(f * 100)
			}
		}
		return v
	}).Get(func(v any) any {
		c, _ := v.(int64)
		return fmt.Sprintf("%d.%02d", c/100, c%100)
	})
	s.Path("email").Set(func(v any) any {
		if str, ok := v.(string); ok {
			return strings.ToLower(str)
		}
		return v
	}).Get(func(v any) any {
		str, _ := v.(string)
		if at := strings.IndexByte(str, '@'); at > 1 {
			return str[:1] + "***" + str[at:]
		}
		return v
	})
	s.Path("profile.bio").Get(func(v any) any { return strings.ToUpper(fmt.Sprint(v)) })
	m := odm.MustModel[Member](devenv.Mongo(t), "Member", s, nil)
	m.Virtual("fullName", func(a *Member) any { return a.First + " " + a.Last })
	return m
}

func TestGettersSetters(t *testing.T) {
	ctx := context.Background()
	accts := accounts(t)
	a, err := accts.Cast(ctx, map[string]any{"first": "Ann", "last": "Lee", "email": "ANN@Example.com",
		"cents": "19.99", "password": "secret", "profile": map[string]any{"bio": "hi"}})
	require.NoError(t, err)
	require.Equal(t, int64(1999), a.Cents, "setter ran before the cast")
	require.Equal(t, "ann@example.com", a.Email)
	require.NoError(t, accts.Create(ctx, a))

	// Updates run setters too.
	_, err = accts.UpdateOne(ctx, bson.M{"_id": a.ID}, bson.M{"$set": bson.M{"cents": "5.10"}}, nil)
	require.NoError(t, err)
	got, err := accts.FindByID(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, int64(510), got.Cents)

	// Without getters the stored values; with getters the transformed ones.
	plain, err := accts.ToObject(got, nil)
	require.NoError(t, err)
	require.Equal(t, int64(510), plain["cents"])
	obj, err := accts.ToObject(got, &odm.ObjectOpts{Getters: true})
	require.NoError(t, err)
	require.Equal(t, "5.10", obj["cents"])
	require.Equal(t, "a***@example.com", obj["email"])
	require.Equal(t, "HI", obj["profile"].(map[string]any)["bio"], "getters reach subdocuments")
	require.Equal(t, int64(510), got.Cents, "getters never change the document")
}

func TestToJSONOptions(t *testing.T) {
	ctx := context.Background()
	accts := accounts(t)
	a := &Member{First: "Ann", Last: "Lee", Email: "ann@example.com", Password: "secret", Cents: 250}
	require.NoError(t, accts.Create(ctx, a))

	var out map[string]any
	b, err := accts.ToJSON(a, nil)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, a.ID.Hex(), out["_id"])
	require.Contains(t, out, "__v")
	require.Equal(t, "secret", out["password"])
	require.NotContains(t, out, "id")
	require.NotContains(t, out, "fullName")

	// Schema-wide defaults as schema.set('toJSON', ...): virtuals, getters,
	// no version key, password hidden by a transform.
	accts.SetToJSON(&odm.ObjectOpts{Virtuals: true, Getters: true, HideVersion: true,
		Transform: func(doc any, ret map[string]any) {
			delete(ret, "password")
			delete(ret, "_id")
		}})
	b, err = accts.ToJSON(a, nil)
	require.NoError(t, err)
	out = nil
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, map[string]any{"id": a.ID.Hex(), "first": "Ann", "last": "Lee", "fullName": "Ann Lee",
		"email": "a***@example.com", "cents": "2.50"}, out)

	// A call's options merge over the defaults, as in Mongoose: NoID and
	// NoGetters win, the defaults' transform and hidden version stay.
	b, err = accts.ToJSON(a, &odm.ObjectOpts{Virtuals: true, NoID: true, NoGetters: true})
	require.NoError(t, err)
	out = nil
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, map[string]any{"first": "Ann", "last": "Lee", "fullName": "Ann Lee",
		"email": "ann@example.com", "cents": float64(250)}, out)
	// ToObject does not take ToJSON's defaults.
	obj, err := accts.ToObject(a, nil)
	require.NoError(t, err)
	require.Equal(t, "secret", obj["password"])
	require.NotContains(t, obj, "fullName")

	_, err = accts.ToJSON(nil, nil)
	require.Error(t, err)
}

type outAuthor struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Name string        `bson:"name"`
}

type outTagged struct {
	Label string             `bson:"label"`
	By    odm.Ref[outAuthor] `bson:"by" odm:"ref=OutAuthor"`
}

type outPost struct {
	ID      bson.ObjectID       `bson:"_id,omitempty"`
	Title   string              `bson:"title"`
	Author  odm.Ref[outAuthor]  `bson:"author" odm:"ref=OutAuthor"`
	Editors odm.Refs[outAuthor] `bson:"editors" odm:"ref=OutAuthor"`
	Notes   []outTagged         `bson:"notes"`
}

// TestToJSONPopulated: populated references render as their documents, as
// Mongoose 9.12.1 renders them (run with Node 20: a post whose author
// {_id, name: "ann"} was populated gives
// {"title":"t","author":{"name":"ann","_id":"…01"},"_id":"…02"}, and with
// {virtuals: true} the author gets its "id" too); unpopulated ones stay IDs.
func TestToJSONPopulated(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	noV := &odm.SchemaOpts{VersionKey: "-"}
	authors := odm.MustModel[outAuthor](db, "OutAuthor", odm.MustSchemaFor[outAuthor](noV), nil)
	posts := odm.MustModel[outPost](db, "OutPost", odm.MustSchemaFor[outPost](noV), nil)
	ann := &outAuthor{ID: bson.NewObjectID(), Name: "ann"}
	bob := &outAuthor{ID: bson.NewObjectID(), Name: "bob"}
	require.NoError(t, authors.Create(ctx, ann))
	require.NoError(t, authors.Create(ctx, bob))
	gone := bson.NewObjectID()
	p := &outPost{ID: bson.NewObjectID(), Title: "t", Author: odm.RefTo[outAuthor](ann.ID),
		Editors: odm.RefsTo[outAuthor](bob.ID, gone), Notes: []outTagged{{Label: "l", By: odm.RefTo[outAuthor](bob.ID)}}}
	require.NoError(t, posts.Create(ctx, p))

	decode := func(b []byte, err error) map[string]any {
		t.Helper()
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(b, &out))
		return out
	}
	got, err := posts.FindByID(ctx, p.ID)
	require.NoError(t, err)
	plain := decode(posts.ToJSON(got, nil))
	require.Equal(t, ann.ID.Hex(), plain["author"], "not populated: the id")
	require.Equal(t, []any{bob.ID.Hex(), gone.Hex()}, plain["editors"])

	require.NoError(t, posts.Populate(ctx, []*outPost{got},
		odm.PopulateOpts{Path: "author", From: authors}, odm.PopulateOpts{Path: "editors", From: authors},
		odm.PopulateOpts{Path: "notes.by", From: authors}))
	out := decode(posts.ToJSON(got, nil))
	require.Equal(t, map[string]any{"_id": ann.ID.Hex(), "name": "ann"}, out["author"])
	require.Equal(t, []any{map[string]any{"_id": bob.ID.Hex(), "name": "bob"}}, out["editors"], "a missing document is left out")
	require.Equal(t, []any{map[string]any{"label": "l", "by": map[string]any{"_id": bob.ID.Hex(), "name": "bob"}}}, out["notes"])

	out = decode(posts.ToJSON(got, &odm.ObjectOpts{Virtuals: true}))
	require.Equal(t, map[string]any{"_id": ann.ID.Hex(), "id": ann.ID.Hex(), "name": "ann"}, out["author"])
	require.Equal(t, p.ID.Hex(), out["id"])

	obj, err := posts.ToObject(got, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"_id": ann.ID, "name": "ann"}, obj["author"])
	require.Equal(t, ann.ID, got.Author.ID, "the document is unchanged")
}
