package odm_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm"
)

// Any explain reply, however malformed, gives a summary or an error,
// never a panic.
func FuzzSummarizeExplain(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "explain", "*.json"))
	for _, file := range files {
		js, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var raw bson.Raw
		if err := bson.UnmarshalExtJSON(js, false, &raw); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := odm.SummarizeExplain(bson.Raw(data))
		if err == nil && s == nil {
			t.Fatal("nil summary without error")
		}
		if err == nil && s.UsesIndex() && s.CollScan {
			t.Fatal("a collection scan never counts as indexed")
		}
	})
}

// Geo helpers turn caller numbers into filters: whatever the input, they
// either refuse it or produce coordinates in range that encode.
func FuzzGeoFilters(f *testing.F) {
	f.Add(2.35, 48.85, 1000.0, 0.0)
	f.Add(-180.0, 90.0, 0.0, 0.0)
	f.Add(181.0, 0.0, -1.0, 5.0)
	f.Add(math.NaN(), 0.0, math.Inf(1), 0.0)
	f.Fuzz(func(t *testing.T, lng, lat, dist, min float64) {
		p := odm.NewPoint(lng, lat)
		inRange := lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90
		for _, build := range []func() (bson.E, error){
			func() (bson.E, error) { return odm.Near("loc", p, &odm.NearOpts{MinDistance: min, MaxDistance: dist}) },
			func() (bson.E, error) { return odm.WithinRadius("loc", p, dist) },
			func() (bson.E, error) {
				return odm.WithinPolygon("loc", [2]float64{lng, lat}, [2]float64{0, 0}, [2]float64{1, 1})
			},
		} {
			e, err := build()
			if err != nil {
				continue
			}
			if !inRange {
				t.Fatalf("accepted [%g, %g]", lng, lat)
			}
			if _, err := bson.Marshal(bson.D{e}); err != nil {
				t.Fatalf("filter does not encode: %v", err)
			}
		}
	})
}
