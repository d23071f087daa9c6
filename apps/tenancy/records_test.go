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
)

func TestRecordsAreTenantScoped(t *testing.T) {
	ctx := context.Background()
	r, err := tenancy.NewRecords(ctx, devenv.Mongo(t))
	require.NoError(t, err)
	a, b := uuid.NewString(), uuid.NewString()
	ra := &tenancy.Record{TenantID: b, CollectionName: "leads", Data: bson.M{"status": "new"},
		CustomFields: map[string]any{"Lead source": "web", "score": 7.0}}
	require.NoError(t, r.Create(ctx, a, ra))
	require.Equal(t, a, ra.TenantID, "the tenant argument wins over the document")
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
