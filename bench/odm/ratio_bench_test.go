package odm_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// paired alternates small batches of the baseline and the candidate and
// reports candidate/baseline time as the "ratio" metric. On a shared,
// loaded machine alternating at this granularity cancels most of the
// noise that separate benchmark runs suffer from.
func paired(b *testing.B, batch int, base, cand func(i int)) {
	var tb, tc time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		for j := 0; j < batch; j++ {
			base(i + j)
		}
		t1 := time.Now()
		for j := 0; j < batch; j++ {
			cand(i + j)
		}
		tc += time.Since(t1)
		tb += t1.Sub(t0)
		i += batch
	}
	b.ReportMetric(float64(tc)/float64(tb), "ratio")
	b.ReportMetric(float64(tb.Nanoseconds())/float64(i), "base-ns/op")
	b.ReportMetric(float64(tc.Nanoseconds())/float64(i), "cand-ns/op")
}

func BenchmarkRatioFindOneByID(b *testing.B) {
	m, ids := seeded(b, 1000)
	ops := newReadOps(b, m, ids, 1000).findOne
	for _, impl := range impls[1:] {
		b.Run("cand="+impl, func(b *testing.B) { paired(b, 10, ops["raw"], ops[impl]) })
	}
}

func BenchmarkRatioFind1000(b *testing.B) {
	m, ids := seeded(b, 1000)
	ops := newReadOps(b, m, ids, 1000).findAll
	for _, impl := range impls[1:] {
		b.Run("cand="+impl, func(b *testing.B) { paired(b, 1, ops["raw"], ops[impl]) })
	}
}

func BenchmarkRatioClient(b *testing.B) {
	m := model(b, nil)
	ctx := context.Background()
	u := sample(1)
	u.ID = bson.NewObjectID()
	raw, err := bson.Marshal(u)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("op=decode/cand=odm-hydrated", func(b *testing.B) {
		paired(b, 200, func(int) {
			var out User
			if err := bson.Unmarshal(raw, &out); err != nil {
				b.Fatal(err)
			}
		}, func(int) {
			if _, err := m.Hydrate(raw); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=encode/cand=odm-validate-encode", func(b *testing.B) {
		paired(b, 200, func(int) {
			if _, err := bson.Marshal(u); err != nil {
				b.Fatal(err)
			}
		}, func(int) {
			if err := m.Validate(ctx, u); err != nil {
				b.Fatal(err)
			}
			if _, err := bson.Marshal(u); err != nil {
				b.Fatal(err)
			}
		})
	})
}
