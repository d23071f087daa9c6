package odm_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
)

// TestMongooseQueryParity runs the query cases of output_cases.js (updates
// with timestamps and defaults on insert, finds with select:false paths)
// and compares what odm sends with what Mongoose sent.
func TestMongooseQueryParity(t *testing.T) {
	fx := loadOutputFixtures(t)
	require.NotEmpty(t, fx.Queries)
	ctx := context.Background()
	db, rec := goldenClient(t)
	for _, tc := range fx.Queries {
		t.Run(tc.Name, func(t *testing.T) {
			q := tc.Query
			mo := &odm.ModelOpts{Clock: func() time.Time { return outputNow }}
			if q.Options.SanitizeFilter {
				mo.SanitizeFilter = odm.SanitizeAll
			}
			m := odm.MustModel[map[string]any](db, "Out", outSchema(t, tc.Schema, false, outputSchemaOptions(tc)), mo)
			if d := tc.Discriminator; d != nil {
				do := &odm.DiscriminatorOpts{Value: d.Value}
				if tc.Options != nil {
					do.Key = tc.Options.DiscKey
				}
				var err error
				m, err = odm.Discriminator[map[string]any](m, d.Name, outSchema(t, d.Schema, false, nil), do)
				require.NoError(t, err)
			}
			_, err := db.Collection("outs").DeleteMany(ctx, bson.D{})
			require.NoError(t, err)
			for _, d := range q.Stored {
				_, err := db.Collection("outs").InsertOne(ctx, d)
				require.NoError(t, err)
			}
			rec.reset()
			var found []*map[string]any
			var filter any = q.Filter
			if q.Options.SanitizeFilter {
				filter = trusting(q.Filter)
			} else if q.Op != "find" {
				filter = bson.M(q.Filter)
			}
			switch q.Op {
			case "find":
				fq := m.Find(filter).Select(q.Select)
				if q.Lean {
					fq = fq.Lean()
				}
				found, err = fq.All(ctx)
			case "create":
				var doc *map[string]any
				if doc, err = m.Cast(ctx, q.Doc); err == nil {
					err = m.Create(ctx, doc)
				}
			case "updateOne", "updateMany":
				o := &odm.UpdateOpts{Upsert: q.Options.Upsert, ArrayFilters: q.Options.ArrayFilters}
				o.NoDefaultsOnInsert = q.Options.SetDefaultsOnInsert != nil && !*q.Options.SetDefaultsOnInsert
				o.NoTimestamps = q.Options.Timestamps != nil && !*q.Options.Timestamps
				if q.Op == "updateMany" {
					_, err = m.UpdateMany(ctx, filter, bson.M(q.Update), o)
				} else {
					_, err = m.UpdateOne(ctx, filter, bson.M(q.Update), o)
				}
			case "replaceOne": // q.Update is the replacement
				var doc *map[string]any
				if doc, err = m.Cast(ctx, q.Update); err == nil {
					_, err = m.ReplaceOne(ctx, filter, doc, &odm.UpdateOpts{Upsert: q.Options.Upsert})
				}
			case "findOneAndUpdate":
				_, err = m.FindOneAndUpdate(ctx, filter, bson.M(q.Update), &odm.FindOneAndUpdateOpts{Upsert: q.Options.Upsert,
					NoDefaultsOnInsert: q.Options.SetDefaultsOnInsert != nil && !*q.Options.SetDefaultsOnInsert, ArrayFilters: q.Options.ArrayFilters,
					NoTimestamps: q.Options.Timestamps != nil && !*q.Options.Timestamps})
				if err == odm.ErrNotFound {
					err = nil
				}
			default:
				t.Fatalf("unknown op %q", q.Op)
			}
			if ce := (mongo.CommandError{}); q.Options.ArrayFilters != nil && errors.As(err, &ce) && ce.Name == "NotImplemented" {
				// The embedded FerretDB does not run arrayFilters: what odm
				// sent (the cast filters) is still compared below.
				err = nil
			}
			if serverRefuses[tc.Name] && err != nil {
				// Mongoose sends it too (its driver stubbed, it never
				// learns the server's answer): compare what was sent.
				var ce mongo.CommandError
				var we mongo.WriteException
				require.True(t, errors.As(err, &ce) || errors.As(err, &we), "want the server's refusal, got %v", err)
				err = nil
			}
			if tc.Name == "find with every $or branch dropped under strictQuery" {
				// A deliberate difference (docs/odm.md): Mongoose sends {},
				// which matches every document; odm refuses the filter.
				require.ErrorIs(t, err, odm.ErrDroppedFilter)
				require.Equal(t, map[string]any{}, tc.Sent["filter"])
				return
			}
			if tc.Error != nil {
				// Mongoose threw before sending anything; odm must refuse it
				// too (a StrictModeError with Mongoose's message).
				require.Error(t, err, "Mongoose threw %s: %s", tc.Error.Name, tc.Error.Message)
				switch tc.Error.Name {
				case "CastError":
					var fe *odm.FieldError
					require.ErrorAs(t, err, &fe)
					require.True(t, fe.IsCast(), "want a cast error, got %v", err)
				case "StrictModeError":
					var se *odm.StrictError
					require.ErrorAs(t, err, &se)
					require.Equal(t, tc.Error.Message, se.Error())
				default: // sanitizeFilter refusing an operator
					var fe *odm.FilterError
					require.ErrorAs(t, err, &fe)
					require.True(t, fe.Sanitized)
					require.Contains(t, tc.Error.Message, fe.Operator+" is not allowed")
				}
				return
			}
			require.NoError(t, err)
			if check, ok := queryDifferences[tc.Name]; ok {
				check(t, tc.Sent, sentCommand(t, rec))
				return
			}
			if tc.Sent == nil {
				// Mongoose sent nothing (every path of the update dropped).
				rec.mu.Lock()
				defer rec.mu.Unlock()
				require.Empty(t, rec.cmds, "Mongoose sent nothing")
				return
			}
			got := sentCommand(t, rec)
			if tc.MaskIDs {
				got = maskIDs(got).(map[string]any)
			}
			if d := cmp.Diff(tc.Sent, got); d != "" {
				t.Errorf("%s sent differs from Mongoose (-mongoose +odm):\n%s", q.Op, d)
			}
			if q.Stored != nil {
				js, err := json.Marshal(found)
				require.NoError(t, err)
				var res any
				require.NoError(t, json.Unmarshal(js, &res))
				if d := cmp.Diff(tc.Result, res); d != "" {
					t.Errorf("find returned differently from Mongoose (-mongoose +odm):\n%s", d)
				}
			}
		})
	}
}

// serverRefuses are the query cases where Mongoose sends what the server
// refuses, and odm sends the same: an inclusion mixed with an exclusion,
// $unset of updatedAt beside the $set timestamps add.
var serverRefuses = map[string]bool{
	"find inclusion mixed with an exclusion":                  true,
	"find exclusion mixed with an inclusion":                  true,
	"find inclusion with an exclusion of a select false path": true,
	"find inclusion with a plus path and an exclusion":        true,
	"update with $unset of updatedAt under timestamps":        true,
}

// queryDifferences are the query cases where odm deliberately sends
// something else than Mongoose (docs/odm.md, "Differences from
// Mongoose"); each check pins both.
var queryDifferences = map[string]func(t *testing.T, mongoose, odm map[string]any){
	// Mongoose leaves a $nor array filter uncast and then drops it as
	// unused (its first key names no identifier), so the server refuses
	// the update's $[it]; odm casts its branches and sends it.
	"arrayFilters with $nor": func(t *testing.T, mongoose, odm map[string]any) {
		require.Equal(t, []any{}, mongoose["arrayFilters"])
		require.Equal(t, []any{map[string]any{"$nor": []any{map[string]any{"it.qty": float64(4)}}}}, odm["arrayFilters"])
	},
	// Mongoose casts an $or that follows a field key as a value of the
	// array element and sends its branches emptied ({$or: [{}, {}]},
	// which matches every element); odm casts each branch.
	"arrayFilters with $or beside a field": func(t *testing.T, mongoose, odm map[string]any) {
		require.Equal(t, []any{map[string]any{}, map[string]any{}}, mongoose["arrayFilters"].([]any)[0].(map[string]any)["$or"])
		require.Equal(t, []any{map[string]any{"it.sku": "3", "$or": []any{map[string]any{"it.qty": float64(1)},
			map[string]any{"it.qty": map[string]any{"$in": []any{float64(8), float64(9)}}}}}}, odm["arrayFilters"])
	},
}

// sentCommand reads the first recorded command as output.js records
// Mongoose's: the filter and update (or projection) and the upsert flag.
func sentCommand(t *testing.T, rec *recorder) map[string]any {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.cmds)
	var cmd bson.D
	require.NoError(t, bson.Unmarshal(rec.cmds[0], &cmd))
	get := field
	switch cmd[0].Key {
	case "find":
		proj := get(cmd, "projection")
		if proj == nil {
			proj = bson.D{}
		}
		return map[string]any{"filter": plainBSON(get(cmd, "filter")), "projection": plainBSON(proj)}
	case "insert":
		return map[string]any{"document": plainBSON(get(cmd, "documents").(bson.A)[0])}
	case "update":
		u := get(cmd, "updates").(bson.A)[0].(bson.D)
		return withArrayFilters(map[string]any{"filter": plainBSON(get(u, "q")), "update": plainBSON(get(u, "u")), "upsert": get(u, "upsert") == true}, get(u, "arrayFilters"))
	case "findAndModify":
		return withArrayFilters(map[string]any{"filter": plainBSON(get(cmd, "query")), "update": plainBSON(get(cmd, "update")), "upsert": get(cmd, "upsert") == true}, get(cmd, "arrayFilters"))
	}
	t.Fatalf("unexpected command %s", cmd[0].Key)
	return nil
}

// withArrayFilters adds the arrayFilters sent, as output.js records them
// (only when sent).
func withArrayFilters(sent map[string]any, af any) map[string]any {
	if af != nil {
		sent["arrayFilters"] = plainBSON(af)
	}
	return sent
}

// TestCreatedAtImmutableOnStructs: a struct's CreatedAt field is a schema
// path, and still a $set of it is dropped, as in the Mongoose case "set of
// createdAt is dropped" (output.json).
func TestCreatedAtImmutableOnStructs(t *testing.T) {
	m := odm.MustModel[User](nil, "User", odm.MustSchemaFor[User](&odm.SchemaOpts{Timestamps: odm.DefaultTimestamps}),
		&odm.ModelOpts{Clock: func() time.Time { return outputNow }})
	got, err := odm.CastUpdate(context.Background(), m, bson.M{"$set": bson.M{"createdAt": "2020-01-01T00:00:00Z", "username": "x"}})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"$set": map[string]any{"username": "x", "updatedAt": map[string]any{"$date": "2026-01-02T03:04:05.000Z"}}}, plainBSON(got))
}

// trusting replaces output_cases.js's {__trusted: v} with odm.Trusted(v)
// (mongoose.trusted(v)).
func trusting(v any) any {
	return rewrite(v, func(x any) (any, bool) {
		if m, ok := x.(map[string]any); ok {
			if t, ok := m["__trusted"]; ok && len(m) == 1 {
				return odm.Trusted(t), true
			}
		}
		return nil, false
	})
}

// rewrite copies a decoded JSON value, replacing the values for which f
// says so (and not descending into them).
func rewrite(v any, f func(any) (any, bool)) any {
	if r, ok := f(v); ok {
		return r
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = rewrite(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rewrite(e, f)
		}
		return out
	}
	return v
}

// field is the value of key k of d, or nil.
func field(d bson.D, k string) any {
	for _, e := range d {
		if e.Key == k {
			return e.Value
		}
	}
	return nil
}
