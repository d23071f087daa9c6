package odm_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm"
)

// saveCase is a save case of output_cases.js as output.js recorded it.
type saveCase struct {
	Name    string             `json:"name"`
	Schema  map[string]outSpec `json:"schema"`
	Options *outputSchemaOpts  `json:"options"`
	SaveOpt *struct {
		ValidateBeforeSave *bool `json:"validateBeforeSave"`
	} `json:"saveOptions"`
	Stored  map[string]any   `json:"stored"`
	Steps   []map[string]any `json:"steps"`
	Matched *int             `json:"matched"`
	Before  struct {
		IsNew         bool            `json:"isNew"`
		IsModified    bool            `json:"isModified"`
		ModifiedPaths []string        `json:"modifiedPaths"`
		Ask           map[string]bool `json:"ask"`
	} `json:"before"`
	Sent  map[string]any `json:"sent"`
	Error *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
	After struct {
		Version       *int64   `json:"version"`
		ModifiedPaths []string `json:"modifiedPaths"`
	} `json:"after"`
}

// saveDifferences are the save cases where odm's change tracking reports
// other modified paths than Mongoose's, with the reason; each is checked
// to still differ.
var saveDifferences = map[string]string{
	// odm finds changes by comparing with what was read (docs/odm.md):
	// Mongoose records assignments, so a value set back, an element
	// pushed and pulled again, count as modified, and a whole
	// subdocument assigned is modified as a whole.
	"unset and set back of the same value":              "compared, not recorded: the value is what was read",
	"push then pull of the same element":                "compared, not recorded: the array is what was read",
	"set of a whole subdocument with one field changed": "compared, not recorded: sub.b, not the whole sub",
	// Not deliberate: a map document holding a value not yet cast ("1"
	// on a Number path) compares as changed; Mongoose casts on set.
	"set of a number from a string of the same value": "an uncast value compares as changed",
}

// TestMongooseSaveParity runs the save cases of output_cases.js: a
// document read back (hydrated), changed by the case's steps, then saved;
// isNew, isModified, modifiedPaths, what Save sends (the update, or the
// existence check of an unchanged document), the error of a save that
// matched nothing and the version afterwards are compared with Mongoose's.
// Mongoose's stub reported no match for "matched: 0"; here the document is
// deleted before the save.
func TestMongooseSaveParity(t *testing.T) {
	fx := loadOutputFixtures(t)
	require.NotEmpty(t, fx.Saves)
	ctx := context.Background()
	db, rec := goldenClient(t)
	for _, tc := range fx.Saves {
		t.Run(tc.Name, func(t *testing.T) {
			oc := outputCase{Options: tc.Options}
			m := odm.MustModel[map[string]any](db, "Out", outSchema(t, tc.Schema, false, outputSchemaOptions(oc)),
				&odm.ModelOpts{Clock: func() time.Time { return outputNow }})
			coll := db.Collection("outs")
			_, err := coll.DeleteMany(ctx, bson.D{})
			require.NoError(t, err)
			stored := storedValue(tc.Stored).(map[string]any)
			_, err = coll.InsertOne(ctx, stored)
			require.NoError(t, err)
			doc, err := m.FindByID(ctx, stored["_id"])
			require.NoError(t, err)
			for _, st := range tc.Steps {
				applyStep(t, m, doc, st)
			}
			require.Equal(t, tc.Before.IsNew, m.IsNew(doc), "isNew")
			if why, known := saveDifferences[tc.Name]; known {
				got := []any{m.IsModified(doc), m.ModifiedPaths(doc)}
				want := []any{tc.Before.IsModified, tc.Before.ModifiedPaths}
				require.NotEqual(t, want, got, "now matches Mongoose: drop it from saveDifferences (%s)", why)
				return
			}
			require.Equal(t, tc.Before.IsModified, m.IsModified(doc), "isModified()")
			require.ElementsMatch(t, tc.Before.ModifiedPaths, m.ModifiedPaths(doc), "modifiedPaths()")
			for p, want := range tc.Before.Ask {
				require.Equal(t, want, m.IsModified(doc, p), "isModified(%q)", p)
			}
			if tc.Matched != nil && *tc.Matched == 0 {
				_, err := coll.DeleteMany(ctx, bson.D{})
				require.NoError(t, err)
			}
			rec.reset()
			var so *odm.SaveOpts
			if tc.SaveOpt != nil {
				so = &odm.SaveOpts{ValidateBeforeSave: tc.SaveOpt.ValidateBeforeSave}
			}
			err = m.SaveWith(ctx, doc, so)
			if tc.Error != nil {
				require.Error(t, err)
				require.Equal(t, tc.Error.Message, err.Error())
				switch tc.Error.Name {
				case "VersionError":
					require.True(t, odm.IsStale(err), "%T", err)
				case "ValidationError":
					var ve *odm.ValidationError
					require.ErrorAs(t, err, &ve)
				case "DocumentNotFoundError":
					var nf *odm.DocumentNotFoundError
					require.ErrorAs(t, err, &nf)
					require.ErrorIs(t, err, odm.ErrNotFound)
				default:
					t.Fatalf("unexpected Mongoose error %s", tc.Error.Name)
				}
			} else {
				require.NoError(t, err)
			}
			// Mongoose keeps an empty $set when the value set was
			// minimized away (a Mixed path set to {} is $unset); odm sends
			// no empty operator (docs/odm.md).
			if u, ok := tc.Sent["update"].(map[string]any); ok {
				if set, ok := u["$set"].(map[string]any); ok && len(set) == 0 {
					delete(u, "$set")
				}
			}
			if d := cmp.Diff(tc.Sent, sentSave(t, rec)); d != "" {
				t.Errorf("save sent differs from Mongoose (-mongoose +odm):\n%s", d)
			}
			if tc.After.Version == nil {
				require.NotContains(t, *doc, "__v")
			} else {
				require.EqualValues(t, *tc.After.Version, (*doc)["__v"])
			}
			require.ElementsMatch(t, tc.After.ModifiedPaths, m.ModifiedPaths(doc), "modifiedPaths() after save")
		})
	}
}

// sentSave reads what Save sent as output.js records it: the update's
// filter and update, or the filter of an existence check.
func sentSave(t *testing.T, rec *recorder) map[string]any {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, raw := range rec.cmds {
		var cmd bson.D
		require.NoError(t, bson.Unmarshal(raw, &cmd))
		switch cmd[0].Key {
		case "update":
			u := field(cmd, "updates").(bson.A)[0].(bson.D)
			return map[string]any{"filter": plainBSON(field(u, "q")), "update": plainBSON(field(u, "u"))}
		case "find":
			return map[string]any{"findOne": plainBSON(field(cmd, "filter"))}
		}
	}
	return nil
}

var isoDate = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

// storedValue turns a stored document of a case into what the driver
// stores: 24-hex strings as ObjectIDs, ISO strings as dates.
func storedValue(v any) any {
	return rewrite(v, func(x any) (any, bool) {
		str, ok := x.(string)
		if !ok {
			return nil, false
		}
		if id, err := bson.ObjectIDFromHex(str); err == nil {
			return id, true
		}
		if isoDate.MatchString(str) {
			if tm, err := time.Parse(time.RFC3339Nano, str); err == nil {
				return tm, true
			}
		}
		return str, true
	})
}

// applyStep applies one step of a save case to a map-backed document (as
// decoded: nested bson.D and bson.A).
func applyStep(t *testing.T, m *odm.Model[map[string]any], doc *map[string]any, st map[string]any) {
	t.Helper()
	pv := func(k string) (string, any) {
		a := st[k].([]any)
		return a[0].(string), a[1]
	}
	switch {
	case st["set"] != nil:
		p, v := pv("set")
		*doc = setDotted(t, *doc, strings.Split(p, "."), v).(map[string]any)
	case st["push"] != nil:
		p, v := pv("push")
		arr := getDotted(*doc, strings.Split(p, "."))
		*doc = setDotted(t, *doc, strings.Split(p, "."), append(toSlice(arr), v)).(map[string]any)
	case st["pull"] != nil:
		p, v := pv("pull")
		arr := slices.DeleteFunc(slices.Clone(toSlice(getDotted(*doc, strings.Split(p, ".")))), func(e any) bool { return e == v })
		*doc = setDotted(t, *doc, strings.Split(p, "."), arr).(map[string]any)
	case st["unset"] != nil:
		parts := strings.Split(st["unset"].(string), ".")
		last := parts[len(parts)-1]
		switch parent := getDotted(*doc, parts[:len(parts)-1]).(type) {
		case map[string]any:
			delete(parent, last)
		case bson.D:
			*doc = setDotted(t, *doc, parts[:len(parts)-1], slices.DeleteFunc(parent, func(e bson.E) bool { return e.Key == last })).(map[string]any)
		default:
			t.Fatalf("cannot unset %v", parts)
		}
	case st["markModified"] != nil:
		m.MarkModified(doc, st["markModified"].(string))
	default:
		t.Fatalf("unknown step %v", st)
	}
}

func toSlice(v any) []any {
	switch x := v.(type) {
	case bson.A:
		return []any(x)
	case []any:
		return x
	}
	return nil
}

func getDotted(v any, parts []string) any {
	for _, p := range parts {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case bson.D:
			v = nil
			for _, e := range x {
				if e.Key == p {
					v = e.Value
				}
			}
		case bson.A:
			i, _ := strconv.Atoi(p)
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// setDotted returns v with the value at parts set (containers are
// changed in place where they can be).
func setDotted(t *testing.T, v any, parts []string, val any) any {
	if len(parts) == 0 {
		return val
	}
	switch x := v.(type) {
	case map[string]any:
		x[parts[0]] = setDotted(t, x[parts[0]], parts[1:], val)
		return x
	case bson.D:
		for i := range x {
			if x[i].Key == parts[0] {
				x[i].Value = setDotted(t, x[i].Value, parts[1:], val)
				return x
			}
		}
		return append(x, bson.E{Key: parts[0], Value: setDotted(t, nil, parts[1:], val)})
	case bson.A:
		i, err := strconv.Atoi(parts[0])
		require.NoError(t, err)
		x[i] = setDotted(t, x[i], parts[1:], val)
		return x
	}
	t.Fatalf("cannot set %v under %T", parts, v)
	return nil
}
