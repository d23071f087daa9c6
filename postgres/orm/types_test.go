package orm_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// Every scalar type survives both load paths: top-level columns scanned by
// pgx and nested rows decoded from json_build_object.
func TestScalarTypesThroughBothStrategies(t *testing.T) {
	owner := &orm.Model{Name: "Owner", Fields: []*orm.Field{{Name: "id", Type: orm.Int, HasDefault: true}},
		PrimaryKey: []string{"id"},
		Relations:  []*orm.Relation{{Name: "items", Kind: orm.OneToMany, Model: "Item", Inverse: "owner"}}}
	item := &orm.Model{Name: "Item", Fields: []*orm.Field{
		{Name: "id", Type: orm.Int, HasDefault: true},
		{Name: "ownerId", Type: orm.Int},
		{Name: "big", Type: orm.BigInt},
		{Name: "ratio", Type: orm.Float},
		{Name: "price", Type: orm.Decimal},
		{Name: "at", Type: orm.DateTime, DBType: "timestamptz(6)"},
		{Name: "naive", Type: orm.DateTime},
		{Name: "blob", Type: orm.Bytes},
		{Name: "meta", Type: orm.JSON},
		{Name: "scores", Type: orm.Int, List: true},
		{Name: "note", Type: orm.String, Nullable: true},
	}, PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{{Name: "owner", Kind: orm.ManyToOne, Model: "Owner", Fields: []string{"ownerId"}, References: []string{"id"}}}}
	orm.MustSchema(owner, item)

	type Item struct {
		ID      int             `json:"id"`
		OwnerID int             `json:"ownerId"`
		Big     int64           `json:"big"`
		Ratio   float64         `json:"ratio"`
		Price   pgtype.Numeric  `json:"price"`
		At      time.Time       `json:"at"`
		Naive   time.Time       `json:"naive"`
		Blob    []byte          `json:"blob"`
		Meta    json.RawMessage `json:"meta"`
		Scores  []int32         `json:"scores"`
		Note    *string         `json:"note"`
	}
	type Owner struct {
		ID    int    `json:"id"`
		Items []Item `json:"items"`
	}
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, `CREATE TABLE "Owner" (id serial PRIMARY KEY);
		CREATE TABLE "Item" (id serial PRIMARY KEY, "ownerId" int NOT NULL REFERENCES "Owner"(id), big bigint NOT NULL,
		  ratio float8 NOT NULL, price numeric(20,4) NOT NULL, at timestamptz(6) NOT NULL, naive timestamp(3) NOT NULL,
		  blob bytea NOT NULL, meta jsonb NOT NULL, scores int[] NOT NULL, note text)`)
	require.NoError(t, err)
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC)
	_, err = orm.Create[Owner](ctx, e.c, owner, &orm.CreateArgs{Data: orm.Data{"items": &orm.Nested{Create: []orm.Data{{
		"big": int64(1) << 60, "ratio": 0.25, "price": "12345678901234.5678", "at": at, "naive": at.Truncate(time.Millisecond),
		"blob": []byte{0, 1, 2, 250, 255}, "meta": map[string]any{"k": []int{1, 2}}, "scores": []int{3, 1, 2}, "note": nil,
	}}}}})
	require.NoError(t, err)
	var got []Owner
	for _, s := range strategies() {
		o, err := orm.FindFirstOrThrow[Owner](ctx, e.c, owner, &orm.FindArgs{Include: []orm.Include{orm.Inc("items")}, Strategy: s})
		require.NoError(t, err, strategyName(s))
		require.Len(t, o.Items, 1)
		it := o.Items[0]
		require.EqualValues(t, int64(1)<<60, it.Big)
		// Cut to the millisecond, as Prisma writes and reads a DateTime
		// (a JavaScript Date), even in a timestamptz(6) column.
		require.Equal(t, at.Truncate(time.Millisecond), it.At.UTC(), strategyName(s))
		require.Equal(t, at.Truncate(time.Millisecond), it.Naive.UTC())
		require.Equal(t, []byte{0, 1, 2, 250, 255}, it.Blob)
		require.JSONEq(t, `{"k": [1, 2]}`, string(it.Meta))
		require.Equal(t, []int32{3, 1, 2}, it.Scores)
		v, err := it.Price.Value()
		require.NoError(t, err)
		require.Equal(t, "12345678901234.5678", v, "decimals stay exact")
		o.Items[0].At, o.Items[0].Naive = it.At.UTC(), it.Naive.UTC()
		o.Items[0].Meta = nil
		got = append(got, *o)
	}
	require.Equal(t, got[0], got[1])
}
