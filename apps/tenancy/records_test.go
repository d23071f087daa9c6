package tenancy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

func TestRecordsAreTenantScoped(t *testing.T) {
	ctx := context.Background()
	r, err := tenancy.NewRecords(ctx, devenv.Mongo(t))
	require.NoError(t, err)
	a, b := uuid.NewString(), uuid.NewString()
	require.ErrorIs(t, r.Create(ctx, a, &tenancy.Record{TenantID: b, CollectionName: "leads"}), odm.ErrTenantMismatch,
		"a record naming another tenant is refused")
	ra := &tenancy.Record{CollectionName: "leads", Data: bson.M{"status": "new"},
		CustomFields: map[string]any{"Lead source": "web", "score": 7.0}}
	require.NoError(t, r.Create(ctx, a, ra))
	require.Equal(t, a, ra.TenantID, "stamped with the tenant")
	require.NoError(t, r.Create(ctx, b, &tenancy.Record{CollectionName: "leads", CustomFields: map[string]any{"Lead source": "web"}}))

	got, err := r.Find(ctx, a, &tenancy.RecordQuery{Collection: "leads", Field: "Lead source", Value: "web"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, a, got[0].TenantID)
	require.Equal(t, 7.0, got[0].CustomFields["score"])
	n, err := r.Count(ctx, b, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)

	// B cannot touch A's record by id.
	ok, err := r.SetField(ctx, b, ra.ID, "score", 0.0)
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = r.Delete(ctx, b, ra.ID)
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = r.SetField(ctx, a, ra.ID, "score", 9.0)
	require.NoError(t, err)
	require.True(t, ok)

	// Field names and values that would change a query's shape are refused.
	for _, name := range []string{"", "$where", "a.b", "x\x00", strings.Repeat("n", 65), "\xff"} {
		var fe *tenancy.FieldNameError
		if name != "" { // "" selects no field
			_, err := r.Find(ctx, a, &tenancy.RecordQuery{Field: name, Value: "x"})
			require.ErrorAs(t, err, &fe, "%q", name)
		}
		_, err := r.SetField(ctx, a, ra.ID, name, 1.0)
		require.ErrorAs(t, err, &fe, "%q", name)
		err = r.Create(ctx, a, &tenancy.Record{CustomFields: map[string]any{name: 1.0}})
		require.ErrorAs(t, err, &fe, "%q", name)
	}
	_, err = r.Find(ctx, a, &tenancy.RecordQuery{Field: "score", Value: bson.M{"$ne": nil}})
	require.ErrorIs(t, err, tenancy.ErrFieldValue)
	_, err = r.Find(ctx, "a", nil)
	require.ErrorIs(t, err, tenancy.ErrInvalidTenant)
}

// Every odm operation on the records model sees the tenant of its context
// only, whatever its filter says; without a tenant each fails closed.
// (Writes here are one at a time, which the embedded FerretDB keeps.)
func TestRecordsModelScopesEveryOperation(t *testing.T) {
	ctx := context.Background()
	r, err := tenancy.NewRecords(ctx, devenv.Mongo(t))
	require.NoError(t, err)
	a, b := uuid.NewString(), uuid.NewString()
	ctxA, err := tenancy.Scope(ctx, a)
	require.NoError(t, err)
	ctxB, err := tenancy.Scope(ctx, b)
	require.NoError(t, err)
	_, err = tenancy.Scope(ctx, "not-a-tenant")
	require.ErrorIs(t, err, tenancy.ErrInvalidTenant)

	ra := &tenancy.Record{CollectionName: "leads", Data: bson.M{"status": "new"}}
	require.NoError(t, r.Create(ctx, a, ra))
	var rb []*tenancy.Record
	for range 2 {
		rec := &tenancy.Record{CollectionName: "leads", Data: bson.M{"status": "new"}}
		require.NoError(t, r.Create(ctx, b, rec))
		rb = append(rb, rec)
	}
	m := r.Model()
	onlyA := func(recs []*tenancy.Record, err error) {
		t.Helper()
		require.NoError(t, err)
		require.Len(t, recs, 1)
		require.Equal(t, a, recs[0].TenantID)
	}
	byB := bson.M{"tenantId": b}
	onlyA(m.Find(nil).All(ctxA))
	onlyA(m.Find(bson.M{"collectionName": "leads"}).Lean().All(ctxA))
	recs, err := m.Find(byB).All(ctxA)
	require.NoError(t, err)
	require.Empty(t, recs, "a filter naming another tenant is ANDed with the scope")
	_, err = m.FindOne(bson.M{"_id": rb[0].ID}).One(ctxA)
	require.ErrorIs(t, err, odm.ErrNotFound)
	_, err = m.FindByID(ctxA, rb[0].ID)
	require.ErrorIs(t, err, odm.ErrNotFound)
	n, err := m.Count(ctxA, byB)
	require.NoError(t, err)
	require.Zero(t, n)
	tenants, err := m.Distinct(ctxA, "tenantId", nil)
	require.NoError(t, err)
	require.Equal(t, []any{a}, tenants)
	var groups []bson.M
	require.NoError(t, m.Aggregate(ctxA, []bson.D{{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$tenantId"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}}}, &groups))
	require.Len(t, groups, 1)
	require.Equal(t, a, groups[0]["_id"])

	// Writes through A's scope reach A's record only.
	res, err := m.UpdateOne(ctxA, bson.M{"_id": rb[0].ID}, bson.M{"$set": bson.M{"data.status": "stolen"}}, nil)
	require.NoError(t, err)
	require.Zero(t, res.MatchedCount)
	res, err = m.UpdateMany(ctxA, bson.M{}, bson.M{"$set": bson.M{"data.status": "seen"}}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.MatchedCount)
	_, err = m.FindOneAndUpdate(ctxA, bson.M{"_id": rb[1].ID}, bson.M{"$set": bson.M{"data.status": "stolen"}}, nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	n, err = m.DeleteOne(ctxA, bson.M{"_id": rb[0].ID})
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = m.DeleteMany(ctxA, byB)
	require.NoError(t, err)
	require.Zero(t, n)
	ok, err := r.SetField(ctx, a, rb[0].ID, "score", 1.0)
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = r.Delete(ctx, a, rb[1].ID)
	require.NoError(t, err)
	require.False(t, ok)

	// B's records are exactly as they were.
	got, err := m.Find(nil).Sort("_id").All(ctxB)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, g := range got {
		require.Equal(t, b, g.TenantID)
		require.Equal(t, "new", g.Data["status"])
		require.Empty(t, g.CustomFields)
	}

	// Without a tenant in the context every operation fails closed.
	for name, run := range map[string]func() error{
		"find":      func() error { _, err := m.Find(nil).All(ctx); return err },
		"count":     func() error { _, err := m.Count(ctx, nil); return err },
		"distinct":  func() error { _, err := m.Distinct(ctx, "tenantId", nil); return err },
		"aggregate": func() error { var out []bson.M; return m.Aggregate(ctx, nil, &out) },
		"update":    func() error { _, err := m.UpdateMany(ctx, bson.M{}, bson.M{"$set": bson.M{"x": 1}}, nil); return err },
		"delete":    func() error { _, err := m.DeleteMany(ctx, nil); return err },
		"create":    func() error { return m.Create(ctx, &tenancy.Record{CollectionName: "x"}) },
	} {
		require.ErrorIs(t, run(), odm.ErrNoTenant, name)
	}
	var raw int64
	raw, err = m.Collection().CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Equal(t, int64(3), raw, "nothing was written or deleted outside the scopes")
}
