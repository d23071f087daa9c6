package odm_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

func seedUsers(t *testing.T, users *odm.Model[User], n int) []*User {
	t.Helper()
	docs := make([]*User, n)
	for i := range docs {
		docs[i] = &User{Username: fmt.Sprintf("user%02d", i), Email: fmt.Sprintf("u%d@x.io", i), Age: ptr(20 + i%5), Tags: []string{"t" + fmt.Sprint(i%3)}}
	}
	require.NoError(t, users.InsertMany(context.Background(), docs))
	return docs
}

func TestQueries(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	seedUsers(t, users, 12)

	all, err := users.Find(bson.D{{Key: "age", Value: bson.D{{Key: "$gte", Value: "23"}}}}).Sort("-age username").Limit(3).All(ctx)
	require.NoError(t, err)
	require.Len(t, all, 3)
	require.Equal(t, []string{"user04", "user09", "user03"}, []string{all[0].Username, all[1].Username, all[2].Username})

	n, err := users.Count(ctx, bson.M{"tags": "t0"})
	require.NoError(t, err)
	require.Equal(t, int64(4), n)

	ok, err := users.Exists(ctx, bson.M{"username": "user11"})
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = users.Exists(ctx, bson.M{"username": "nobody"})
	require.NoError(t, err)
	require.False(t, ok)

	vals, err := users.Distinct(ctx, "tags", nil)
	require.NoError(t, err)
	got := make([]string, len(vals))
	for i, v := range vals {
		got[i] = v.(string)
	}
	sort.Strings(got)
	require.Equal(t, []string{"t0", "t1", "t2"}, got)

	only, err := users.Find(bson.M{"username": "user01"}).Select("username").Lean().All(ctx)
	require.NoError(t, err)
	require.Len(t, only, 1)
	require.Equal(t, "user01", only[0].Username)
	require.Empty(t, only[0].Email, "not selected")

	_, err = users.FindOne(bson.M{"username": "nobody"}).One(ctx)
	require.ErrorIs(t, err, odm.ErrNotFound)
	require.True(t, odm.IsNotFound(err))

	plan, err := users.Find(bson.M{"username": "user01"}).Explain(ctx, "")
	require.NoError(t, err)
	require.NotEmpty(t, plan)

	deleted, err := users.DeleteMany(ctx, bson.M{"tags": "t1"})
	require.NoError(t, err)
	require.Equal(t, int64(4), deleted)
	n, err = users.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(8), n)
}

func TestFiltersRejectServerJS(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	for _, f := range []any{
		bson.M{"$where": "sleep(1000)"},
		bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "$where", Value: "1"}}}}},
		bson.M{"age": bson.M{"$function": bson.M{"body": "x"}}},
		bson.M{"$expr": bson.M{"$accumulator": bson.M{}}},
	} {
		_, err := users.Find(f).All(ctx)
		var fe *odm.FilterError
		require.ErrorAs(t, err, &fe)
		require.ErrorIs(t, err, odm.ErrForbiddenOperator)
		_, err = users.DeleteMany(ctx, f)
		require.ErrorIs(t, err, odm.ErrForbiddenOperator)
	}
	var out []bson.M
	err := users.Aggregate(ctx, []bson.D{{{Key: "$match", Value: bson.M{"$where": "1"}}}}, &out)
	require.ErrorIs(t, err, odm.ErrForbiddenOperator)

	_, err = users.FindByID(ctx, "not-an-id")
	var ce *odm.FieldError
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.IsCast())
	require.Equal(t, "ObjectId", ce.Kind)
}

func TestUpdateValidators(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	docs := seedUsers(t, users, 2)
	id := docs[0].ID
	cases := []struct {
		name   string
		update any
		kinds  map[string]string
	}{
		{"enum in $set", bson.M{"$set": bson.M{"status": "gone"}}, map[string]string{"status": "enum"}},
		{"min after cast", bson.M{"$set": bson.M{"age": "12"}}, map[string]string{"age": "min"}},
		{"cast error in $inc", bson.M{"$inc": bson.M{"age": "lots"}}, map[string]string{"age": "Number"}},
		{"unset required", bson.M{"$unset": bson.M{"email": ""}}, map[string]string{"email": "required"}},
		{"null for required", bson.M{"$set": bson.M{"email": nil}}, map[string]string{"email": "required"}},
		{"nested required", bson.M{"$set": bson.M{"address": bson.M{"street": "x"}}}, map[string]string{"address.city": "required"}},
		{"plain document is $set", bson.M{"email": "no-at-sign"}, map[string]string{"email": "regexp"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := users.UpdateOne(ctx, bson.M{"_id": id}, tc.update, nil)
			var ve *odm.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.kinds, ve.Kinds())
		})
	}
	// Nothing was written by the rejected updates.
	got, err := users.FindByID(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "active", got.Status)
	require.Equal(t, 20, *got.Age)
	require.Equal(t, int64(0), got.V)

	// Valid updates are cast: "25" becomes a number, $push casts elements,
	// the trim/lowercase transforms apply, __v and updatedAt move.
	res, err := users.UpdateOne(ctx, bson.M{"_id": id.Hex()}, bson.M{"$set": bson.M{"age": "25", "username": "  MiXed "}, "$push": bson.M{"tags": 7}}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.ModifiedCount)
	got, err = users.FindByID(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 25, *got.Age)
	require.Equal(t, "mixed", got.Username)
	require.Equal(t, []string{"t0", "7"}, got.Tags)
	require.Equal(t, int64(0), got.V, "an update leaves __v alone, as in Mongoose (only Save versions)")
	require.True(t, got.UpdatedAt.After(got.CreatedAt) || got.UpdatedAt.Equal(got.CreatedAt))

	after, err := users.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"age": 1}}, &odm.FindOneAndUpdateOpts{ReturnAfter: true})
	require.NoError(t, err)
	require.Equal(t, 26, *after.Age)
	before, err := users.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"age": 1}}, nil)
	require.NoError(t, err)
	require.Equal(t, 26, *before.Age)
	_, err = users.FindOneAndUpdate(ctx, bson.M{"username": "ghost"}, bson.M{"$set": bson.M{"status": "inactive"}}, nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	up, err := users.FindOneAndUpdate(ctx, bson.M{"username": "ghost"}, bson.M{"$set": bson.M{"email": "g@x.io"}}, &odm.FindOneAndUpdateOpts{ReturnAfter: true, Upsert: true})
	require.NoError(t, err)
	require.Equal(t, "ghost", up.Username)
	require.False(t, up.CreatedAt.IsZero(), "createdAt set on insert")
	raw, err := users.Collection().FindOne(ctx, bson.M{"username": "ghost"}).Raw()
	require.NoError(t, err)
	v, ok := raw.Lookup("__v").AsInt64OK()
	require.True(t, ok, "an upsert inserts __v, as Mongoose's $setOnInsert does")
	require.Equal(t, int64(0), v)
}

type Account struct {
	ID      string `bson:"_id"`
	Owner   string `bson:"owner" odm:"required,immutable"`
	Balance int64  `bson:"balance" odm:"min=0"`
}

func TestImmutableAndStrictUpdates(t *testing.T) {
	ctx := context.Background()
	m, err := odm.NewModel[Account](devenv.Mongo(t), "Account", nil, nil)
	require.NoError(t, err)
	a := &Account{ID: "a1", Owner: "ann", Balance: 10}
	require.NoError(t, m.Create(ctx, a))
	// Immutable paths and unknown paths are dropped from updates.
	_, err = m.UpdateOne(ctx, bson.M{"_id": "a1"}, bson.M{"$set": bson.M{"owner": "bob", "nope": 1, "balance": 5}}, nil)
	require.NoError(t, err)
	got, err := m.FindByID(ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, "ann", got.Owner)
	require.Equal(t, int64(5), got.Balance)
	// As in Mongoose, Save ignores a change of an immutable path: the
	// stored value stays and comes back into the document, the other
	// changes are saved.
	got.Owner = "bob"
	got.Balance = 7
	require.NoError(t, m.Save(ctx, got))
	require.Equal(t, "ann", got.Owner, "the document gets the stored value back")
	again, err := m.FindByID(ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, "ann", again.Owner)
	require.Equal(t, int64(7), again.Balance)
	again.Owner = "eve" // nothing else changed: nothing is written
	require.NoError(t, m.Save(ctx, again))
	require.Equal(t, "ann", again.Owner)
	require.NoError(t, m.Save(ctx, again), "the document is clean again")

	// An update of nothing but an immutable path writes nothing and fails
	// nothing; FindOneAndUpdate returns the document unchanged.
	res, err := m.UpdateOne(ctx, bson.M{"_id": "a1"}, bson.M{"$set": bson.M{"owner": "bob"}}, nil)
	require.NoError(t, err)
	require.Zero(t, res.MatchedCount)
	require.Zero(t, res.ModifiedCount)
	fa, err := m.FindOneAndUpdate(ctx, bson.M{"_id": "a1"}, bson.M{"$set": bson.M{"owner": "bob"}}, &odm.FindOneAndUpdateOpts{ReturnAfter: true})
	require.NoError(t, err)
	require.Equal(t, "ann", fa.Owner)
	require.Equal(t, int64(7), fa.Balance)
	_, err = m.UpdateOne(ctx, bson.M{"_id": "a1"}, bson.M{}, nil)
	require.ErrorIs(t, err, odm.ErrEmptyUpdate, "an empty update is still refused")

	strict, err := odm.SchemaFor[Account](&odm.SchemaOpts{Strict: odm.StrictThrow})
	require.NoError(t, err)
	sm, err := odm.NewModel[Account](m.Collection().Database(), "Account", strict, nil)
	require.NoError(t, err)
	_, err = sm.UpdateOne(ctx, bson.M{"_id": "a1"}, bson.M{"$set": bson.M{"nope": 1}}, nil)
	require.ErrorIs(t, err, odm.ErrStrict)
	// An immutable path in an update is dropped under StrictThrow too, as
	// Mongoose's schema-level strict does (it throws only for the
	// query-level option): the other change is applied.
	_, err = sm.UpdateOne(ctx, bson.M{"_id": "a1"}, bson.M{"$set": bson.M{"owner": "eve", "balance": 8}}, nil)
	require.NoError(t, err)
	after, err := sm.FindByID(ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, "ann", after.Owner)
	require.Equal(t, int64(8), after.Balance)
	// Under StrictThrow Save refuses an immutable change (Mongoose throws).
	sdoc, err := sm.FindByID(ctx, "a1")
	require.NoError(t, err)
	sdoc.Owner = "eve"
	var ve *odm.ValidationError
	require.ErrorAs(t, sm.Save(ctx, sdoc), &ve)
	require.Equal(t, map[string]string{"owner": odm.KindImmutable}, ve.Kinds())
}

func TestSaveSendsOnlyChangedPaths(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	docs := seedUsers(t, users, 1)
	a, err := users.FindByID(ctx, docs[0].ID)
	require.NoError(t, err)
	b, err := users.FindByID(ctx, docs[0].ID)
	require.NoError(t, err)
	// Two copies change different paths; a raw write bypassing versioning
	// changes a third. Each Save sends only its own paths, so the raw
	// write survives; the second Save is stale.
	_, err = users.Collection().UpdateOne(ctx, bson.M{"_id": docs[0].ID}, bson.M{"$set": bson.M{"tags": bson.A{"raw"}}})
	require.NoError(t, err)
	a.Email = "new@x.io"
	a.Address = &Address{Street: " 1 Main ", City: "Paris"}
	require.NoError(t, users.Save(ctx, a))
	b.Status = "inactive"
	require.True(t, odm.IsStale(users.Save(ctx, b)))
	got, err := users.FindByID(ctx, docs[0].ID)
	require.NoError(t, err)
	require.Equal(t, "new@x.io", got.Email)
	require.Equal(t, []string{"raw"}, got.Tags)
	require.Equal(t, "1 Main", got.Address.Street)
	require.Equal(t, "active", got.Status)
	// No change, no write, no version bump.
	require.NoError(t, users.Save(ctx, got))
	again, err := users.FindByID(ctx, docs[0].ID)
	require.NoError(t, err)
	require.Equal(t, got.V, again.V)
	// Unsetting a path.
	again.Address = nil
	require.NoError(t, users.Save(ctx, again))
	raw, err := users.Collection().FindOne(ctx, bson.M{"_id": docs[0].ID}).Raw()
	require.NoError(t, err)
	_, err = raw.LookupErr("address")
	require.Error(t, err, "address must be unset")
}

func TestInsertManyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	docs := []*User{{Username: "a", Email: "a@x"}, {Username: "b", Email: "bad"}, {Username: "c", Email: "c@x"}}
	err := users.InsertMany(ctx, docs)
	var ie *odm.IndexedError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index)
	require.True(t, odm.IsValidation(err))
	n, err := users.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n, "nothing half-written")
}

func TestBulkWrite(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	seedUsers(t, users, 3)
	res, err := users.BulkWrite(ctx, []odm.Write{
		odm.InsertWrite(&User{Username: "new", Email: "n@x"}),
		odm.UpdateOneWrite(bson.M{"username": "user00"}, bson.M{"$set": bson.M{"status": "inactive"}}, false),
		odm.DeleteOneWrite(bson.M{"username": "user01"}),
	}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.InsertedCount)
	require.Equal(t, int64(1), res.ModifiedCount)
	require.Equal(t, int64(1), res.DeletedCount)

	_, err = users.BulkWrite(ctx, []odm.Write{
		odm.DeleteManyWrite(bson.M{}),
		odm.UpdateManyWrite(nil, bson.M{"$set": bson.M{"status": "nope"}}, false),
	}, nil)
	var ie *odm.IndexedError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index)
	n, err := users.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(3), n, "the delete of the rejected batch never ran")
}

func TestHooksAndVirtuals(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	var log []string
	users.Pre(odm.EventValidate, func(ctx context.Context, op *odm.Op[User]) error {
		log = append(log, "validate "+op.Doc.Username)
		return nil
	})
	users.Pre(odm.EventSave, func(ctx context.Context, op *odm.Op[User]) error {
		log = append(log, "pre save "+op.Doc.Username)
		if op.Doc.Username == "forbidden" {
			return errors.New("name forbidden")
		}
		return nil
	})
	users.Post(odm.EventSave, func(ctx context.Context, op *odm.Op[User]) error {
		log = append(log, "post save "+op.Doc.Username)
		return nil
	})
	users.Pre(odm.EventRead, func(ctx context.Context, op *odm.Op[User]) error {
		// Soft-delete style scoping added by a hook.
		op.Filter = append(op.Filter, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: "suspended"}}})
		return nil
	})
	users.Pre(odm.EventDelete, func(ctx context.Context, op *odm.Op[User]) error {
		return errors.New("deletes are disabled")
	})
	users.Virtual("display", func(u *User) any { return strings.ToUpper(u.Username) + " <" + u.Email + ">" })

	require.NoError(t, users.Create(ctx, &User{Username: "ann", Email: "a@x"}))
	require.NoError(t, users.Create(ctx, &User{Username: "sus", Email: "s@x", Status: "suspended"}))
	err := users.Create(ctx, &User{Username: "forbidden", Email: "f@x"})
	require.EqualError(t, err, "name forbidden")
	// Mongoose's order: validate, pre save, write, post save.
	require.Equal(t, []string{"validate ann", "pre save ann", "post save ann", "validate sus", "pre save sus", "post save sus", "validate forbidden", "pre save forbidden"}, log)

	found, err := users.Find(nil).All(ctx)
	require.NoError(t, err)
	require.Len(t, found, 1, "pre-find hook hides suspended users")
	lean, err := users.Find(nil).Lean().All(ctx)
	require.NoError(t, err)
	require.Len(t, lean, 1, "lean queries run the hooks too, as in Mongoose")
	page, err := users.Find(nil).Page(ctx, 1, 10)
	require.NoError(t, err)
	require.Equal(t, int64(1), page.Total, "the total agrees with the hooked items")
	require.Len(t, page.Items, 1)

	_, err = users.DeleteMany(ctx, nil)
	require.EqualError(t, err, "deletes are disabled")
	n, err := users.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "countDocuments is a read: the hook scopes it")

	b, err := users.JSON(found[0], &odm.JSONOpts{Virtuals: true})
	require.NoError(t, err)
	require.Contains(t, string(b), `"display":"ANN \u003ca@x\u003e"`)
	b, err = users.JSON(found[0], nil)
	require.NoError(t, err)
	require.NotContains(t, string(b), "display")
}

func TestPagination(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	seedUsers(t, users, 11)
	p, err := users.Find(nil).Sort("username").Page(ctx, 2, 4)
	require.NoError(t, err)
	require.Equal(t, int64(11), p.Total)
	require.Equal(t, int64(3), p.Pages)
	require.Equal(t, "user04", p.Items[0].Username)
	require.Len(t, p.Items, 4)

	// Keyset over a sort with duplicates (age) plus _id: every document is
	// seen exactly once even when documents are inserted mid-way.
	seen := map[string]int{}
	cursor := ""
	pages := 0
	for {
		kp, err := users.Find(nil).Sort("-age").Keyset(ctx, cursor, 3)
		require.NoError(t, err)
		for _, u := range kp.Items {
			seen[u.Username]++
		}
		pages++
		if pages == 1 {
			// Sorts before the cursor: must not appear.
			require.NoError(t, users.Create(ctx, &User{Username: "late", Email: "l@x", Age: ptr(99)}))
		}
		if kp.Next == "" {
			break
		}
		cursor = kp.Next
	}
	require.Len(t, seen, 11)
	for name, c := range seen {
		require.Equal(t, 1, c, name)
	}
	_, err = users.Find(nil).Sort("-age").Keyset(ctx, "garbage!", 3)
	require.ErrorIs(t, err, odm.ErrBadCursor)
	first, err := users.Find(nil).Sort("-age").Keyset(ctx, "", 3)
	require.NoError(t, err)
	_, err = users.Find(nil).Sort("username").Keyset(ctx, first.Next, 3)
	require.ErrorIs(t, err, odm.ErrBadCursor, "cursor bound to its sort")
}

func TestSyncIndexesOnServer(t *testing.T) {
	ctx := context.Background()
	s, err := odm.SchemaFor[Order](nil)
	require.NoError(t, err)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "customer", Value: 1}, {Key: "placedAt", Value: -1}}})
	// (FerretDB drops "sparse" from compound indexes: sparse is pinned by
	// the golden tests.)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "note", Value: 1}, {Key: "paid", Value: 1}}, Unique: true})
	db := devenv.Mongo(t)
	m, err := odm.NewModel[Order](db, "Order", s, nil)
	require.NoError(t, err)
	_, err = m.Collection().Indexes().CreateOne(ctx, mongoIndex("legacy_1"))
	require.NoError(t, err)

	dry, err := m.SyncIndexes(ctx, &odm.SyncIndexesOpts{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, []string{"customer_1", "customer_1_placedAt_-1", "note_1_paid_1"}, dry.Created)
	require.Equal(t, []string{"legacy_1"}, dry.Unowned, "not created by SyncIndexes: reported, kept")
	require.Empty(t, dry.Dropped)

	diff, err := m.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, dry, diff)
	again, err := m.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, again.Created)
	require.Empty(t, again.Dropped)
	require.Empty(t, again.Changed)
	require.Len(t, again.Kept, 3)
	require.Equal(t, []string{"legacy_1"}, again.Unowned)

	// An owned index the schema no longer declares is dropped; unowned
	// ones only on request.
	s2, err := odm.SchemaFor[Order](nil)
	require.NoError(t, err)
	s2.AddIndex(odm.Index{Keys: bson.D{{Key: "note", Value: 1}, {Key: "paid", Value: 1}}, Unique: true})
	m2, err := odm.NewModel[Order](db, "Order", s2, nil)
	require.NoError(t, err)
	d2, err := m2.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"customer_1_placedAt_-1"}, d2.Dropped)
	require.Equal(t, []string{"legacy_1"}, d2.Unowned)
	d3, err := m2.SyncIndexes(ctx, &odm.SyncIndexesOpts{DropUnowned: true})
	require.NoError(t, err)
	require.Equal(t, []string{"legacy_1"}, d3.Unowned)
	specs, err := m2.Collection().Indexes().ListSpecifications(ctx)
	require.NoError(t, err)
	var names []string
	for _, sp := range specs {
		names = append(names, sp.Name)
	}
	sort.Strings(names)
	require.Equal(t, []string{"_id_", "customer_1", "note_1_paid_1"}, names)

	// The unique compound index is enforced.
	cust := bson.NewObjectID()
	require.NoError(t, m.Create(ctx, &Order{Customer: cust, Note: "abc", Paid: true}))
	err = m.Create(ctx, &Order{Customer: cust, Note: "abc", Paid: true})
	require.True(t, odm.IsDuplicateKey(err), "got %v", err)
}

func TestOversizedDocumentWritesNothing(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	big := &User{Username: "big", Email: "b@x", Tags: []string{strings.Repeat("x", odm.MaxDocumentSize)}}
	require.ErrorIs(t, users.Create(ctx, big), odm.ErrDocumentTooLarge)
	err := users.InsertMany(ctx, []*User{{Username: "ok1", Email: "o@x"}, big})
	require.ErrorIs(t, err, odm.ErrDocumentTooLarge)
	n, err := users.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestHintMaxTimeEach(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	seedUsers(t, users, 5)
	got, err := users.Find(bson.M{"age": bson.M{"$gte": 21}}).Hint("_id_").MaxTime(10 * time.Second).Sort("username").All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 4)
	var names []string
	require.NoError(t, users.Find(nil).Sort("-username").Skip(3).Each(ctx, func(u *User) error {
		names = append(names, u.Username)
		return nil
	}))
	require.Equal(t, []string{"user01", "user00"}, names)
}

// A schema-only model over bson.M documents.
func TestMapModel(t *testing.T) {
	ctx := context.Background()
	s := odm.NewSchema(&odm.SchemaOpts{VersionKey: "-"},
		odm.String("sku").Required().Uppercase(),
		odm.Int("qty").Min(0).Default(int64(1)),
		odm.Array("tags", odm.String("")),
	)
	m, err := odm.NewModel[bson.M](devenv.Mongo(t), "Stock", s, nil)
	require.NoError(t, err)
	doc := bson.M{"sku": "ab-1"}
	require.NoError(t, m.Create(ctx, &doc))
	got, err := m.FindOne(bson.M{"sku": "AB-1"}).One(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), (*got)["qty"])
	require.NotContains(t, *got, "__v")
	_, err = m.UpdateOne(ctx, bson.M{"sku": "AB-1"}, bson.M{"$set": bson.M{"qty": -1}}, nil)
	require.True(t, odm.IsValidation(err))
	bad := bson.M{"qty": 3}
	err = m.Create(ctx, &bad)
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, map[string]string{"sku": "required"}, ve.Kinds())
}

func TestSyncIndexesRecreatesChanged(t *testing.T) {
	ctx := context.Background()
	type Doc struct {
		ID   bson.ObjectID `bson:"_id,omitempty"`
		Code string        `bson:"code" odm:"unique"`
	}
	m, err := odm.NewModel[Doc](devenv.Mongo(t), "Doc", nil, nil)
	require.NoError(t, err)
	_, err = m.Collection().Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}}})
	require.NoError(t, err)
	diff, err := m.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"code_1"}, diff.Changed)
	require.NoError(t, m.Create(ctx, &Doc{Code: "x"}))
	require.True(t, odm.IsDuplicateKey(m.Create(ctx, &Doc{Code: "x"})), "now unique")
}

func TestAggregateHooks(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	seedUsers(t, users, 6)
	users.Pre(odm.EventAggregate, func(ctx context.Context, op *odm.Op[User]) error {
		op.Pipeline = append([]bson.D{{{Key: "$match", Value: bson.M{"tags": bson.M{"$ne": "t2"}}}}}, op.Pipeline...)
		return nil
	})
	var out []struct {
		ID    string `bson:"_id"`
		Count int    `bson:"n"`
	}
	err := users.Aggregate(ctx, []bson.D{
		{{Key: "$unwind", Value: "$tags"}},
		{{Key: "$group", Value: bson.M{"_id": "$tags", "n": bson.M{"$sum": 1}}}},
		{{Key: "$sort", Value: bson.M{"_id": 1}}},
	}, &out)
	require.NoError(t, err)
	require.Len(t, out, 2)
	require.Equal(t, "t0", out[0].ID)
	require.Equal(t, 2, out[0].Count)
}

// Timestamps and the version key are stored even when the Go type has no
// fields for them; aliases work in input and filters.
func TestManagedFieldsWithoutStructFields(t *testing.T) {
	ctx := context.Background()
	type Note struct {
		ID   bson.ObjectID `bson:"_id,omitempty"`
		Body string        `bson:"body" odm:"required,alias=text"`
	}
	s, err := odm.SchemaFor[Note](&odm.SchemaOpts{Timestamps: &odm.Timestamps{CreatedAt: "created"}, VersionKey: "rev", OptimisticConcurrency: true})
	require.NoError(t, err)
	notes, err := odm.NewModel[Note](devenv.Mongo(t), "Note", s, &odm.ModelOpts{Clock: clock})
	require.NoError(t, err)
	n, err := notes.Cast(ctx, map[string]any{"text": "hello"})
	require.NoError(t, err)
	require.Equal(t, "hello", n.Body)
	require.NoError(t, notes.Create(ctx, n))
	raw, err := notes.Collection().FindOne(ctx, bson.M{"_id": n.ID}).Raw()
	require.NoError(t, err)
	require.Equal(t, fixedNow, raw.Lookup("created").Time().UTC())
	require.Equal(t, int64(0), raw.Lookup("rev").AsInt64())
	_, err = raw.LookupErr("updatedAt")
	require.Error(t, err, "disabled timestamp is not written")

	got, err := notes.FindOne(bson.M{"text": "hello"}).One(ctx)
	require.NoError(t, err)
	got.Body = "bye"
	require.NoError(t, notes.Save(ctx, got))
	raw, err = notes.Collection().FindOne(ctx, bson.M{"_id": n.ID}).Raw()
	require.NoError(t, err)
	require.Equal(t, "bye", raw.Lookup("body").StringValue())
	require.Equal(t, int64(1), raw.Lookup("rev").AsInt64(), "version bumped without a struct field")
	require.Equal(t, fixedNow, raw.Lookup("created").Time().UTC(), "createdAt kept by Save")
}
