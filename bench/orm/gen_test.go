package orm

import (
	"context"
	"testing"

	"github.com/polystore/polystore/bench/orm/gendb"
)

// The generated client (bench/orm/gendb, from schema.prisma) against raw
// pgx and the hand-written orm metadata, on the same rows.
func BenchmarkGeneratedFindUnique(b *testing.B) {
	ctx := context.Background()
	gc := gendb.New(client)
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pgxFindUnique(ctx, b)
		}
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ormFindUnique(ctx, b)
		}
	})
	b.Run("impl=gen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u, err := gc.User.FindUnique(ctx, gendb.UserByID(userID), nil)
			if err != nil || u.ID != userID {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGeneratedFindMany100(b *testing.B) {
	ctx := context.Background()
	gc := gendb.New(client)
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pgxFindMany100(ctx, b)
		}
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ormFindMany100(ctx, b)
		}
	})
	b.Run("impl=gen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			us, err := gc.User.FindMany(ctx, &gendb.UserFindArgs{OrderBy: []gendb.UserOrder{gendb.UserFields.ID.Asc()}, Take: 100})
			if err != nil || len(us) != 100 {
				b.Fatal(err, len(us))
			}
		}
	})
}
