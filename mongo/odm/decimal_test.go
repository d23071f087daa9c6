package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/embedded"
	"github.com/polystore/polystore/mongo/odm"
)

// Entry is money kept as exact decimals.
type Entry struct {
	ID      bson.ObjectID   `bson:"_id,omitempty"`
	Account string          `bson:"account" odm:"required"`
	Amount  bson.Decimal128 `bson:"amount" odm:"required"`
	Balance bson.Decimal128 `bson:"balance"`
}

func dec(t *testing.T, s string) bson.Decimal128 {
	t.Helper()
	d, err := bson.ParseDecimal128(s)
	require.NoError(t, err)
	return d
}

// Casting keeps every digit as written (no float in between) and
// validation reports what Mongoose reports; the parity fixtures hold
// Mongoose's own answers (the "Decimal128 ..." cases).
func TestDecimal128CastAndValidate(t *testing.T) {
	ctx := context.Background()
	entries := odm.MustModel[Entry](nil, "Entry", nil, nil)
	e, err := entries.Cast(ctx, map[string]any{"account": "a", "amount": "0.10", "balance": 0.1})
	require.NoError(t, err)
	require.Equal(t, "0.10", e.Amount.String(), "trailing zeros kept")
	require.Equal(t, "0.1", e.Balance.String(), "a float casts through its shortest decimal form, as JavaScript prints it")
	e, err = entries.CastJSON(ctx, []byte(`{"account": "a", "amount": 1234567890123456789.01}`))
	require.NoError(t, err)
	require.Equal(t, "1234567890123456789.01", e.Amount.String(), "JSON numbers keep every digit")

	_, err = entries.Cast(ctx, map[string]any{"account": "a", "amount": "12,50"})
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Decimal128", ve.Errors["amount"].Kind)
	require.Equal(t, `Cast to Decimal128 failed for value "12,50" (type string) at path "amount" for model "Entry"`, ve.Errors["amount"].Message)
	_, err = entries.Cast(ctx, map[string]any{"account": "a"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "required", ve.Errors["amount"].Kind)

	// Filter operands cast too (update operands: TestGoldenDecimal128).
	f, err := entries.CastFilter(bson.M{"balance": bson.M{"$gte": "0.30"}})
	require.NoError(t, err)
	require.Equal(t, bson.D{{Key: "balance", Value: bson.D{{Key: "$gte", Value: dec(t, "0.30")}}}}, f)
	_, err = entries.CastFilter(bson.M{"amount": "ten"})
	require.Error(t, err)
	_, err = entries.UpdateOne(ctx, bson.M{}, bson.M{"$set": bson.M{"amount": "ten"}}, nil)
	require.ErrorAs(t, err, &ve, "a bad update operand fails before anything is sent")
}

// TestGoldenDecimal128 pins the BSON the ODM sends for decimal money (the
// values are BSON decimals, never doubles). On the embedded server, which
// cannot store Decimal128, each command fails with the gate's typed
// error instead of a dropped connection; on a real MongoDB
// (POLYSTORE_MONGO_URL) the values round-trip exactly: 0.10 + 0.20 is
// 0.30.
func TestGoldenDecimal128(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	entries := odm.MustModel[Entry](db, "Entry", nil, nil)
	if devenv.RealMongo() {
		require.NoError(t, entries.CreateCollection(ctx))
	}
	id, _ := bson.ObjectIDFromHex("64b7f0c2a1b2c3d4e5f60718")
	e, err := entries.Cast(ctx, map[string]any{"_id": id.Hex(), "account": "cash", "amount": "0.10", "balance": "0.10"})
	require.NoError(t, err)
	rec.reset()
	errCreate := entries.Create(ctx, e)
	_, errInc := entries.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"balance": "0.20"}}, nil)
	got, errFind := entries.FindOne(bson.M{"balance": bson.M{"$gte": "0.30"}}).One(ctx)
	checkGolden(t, "decimal128", rec.normalized(t))

	if !devenv.RealMongo() {
		for _, err := range []error{errCreate, errInc, errFind} {
			require.True(t, embedded.IsUnsupported(err), "want the gate's typed error, got %v", err)
			require.ErrorContains(t, err, "Decimal128")
		}
		// The client is still usable: the connection was not dropped.
		n, err := entries.Count(ctx, nil)
		require.NoError(t, err)
		require.Zero(t, n)
		return
	}
	require.NoError(t, errCreate)
	require.NoError(t, errInc)
	require.NoError(t, errFind)
	require.Equal(t, "0.30", got.Balance.String(), "exact decimal arithmetic on the server")
	require.Equal(t, "0.10", got.Amount.String())
	var raw bson.Raw
	require.NoError(t, entries.Collection().FindOne(ctx, bson.M{"_id": id}).Decode(&raw))
	require.Equal(t, bson.TypeDecimal128, raw.Lookup("amount").Type)
	obj, err := entries.ToObject(got, nil)
	require.NoError(t, err)
	require.Equal(t, dec(t, "0.30"), obj["balance"])
}
