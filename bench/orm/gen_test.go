package orm

import (
	"context"
	"testing"

	"github.com/polystore/polystore/bench/orm/gendb"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormtest"
)

// The generated client (bench/orm/gendb, from schema.prisma) against raw
// pgx and the hand-written orm metadata, on the same rows.
func BenchmarkGeneratedFindUnique(b *testing.B) {
	ctx := context.Background()
	gc := gendb.New(client)
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rows, err := pool.Query(ctx, "SELECT "+userCols+" FROM users WHERE id = $1", userID)
			if err != nil {
				b.Fatal(err)
			}
			var u ormtest.User
			for rows.Next() {
				if err := scanUser(rows, &u); err != nil {
					b.Fatal(err)
				}
			}
			if rows.Err() != nil || u.ID != userID {
				b.Fatal(rows.Err())
			}
		}
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u, err := orm.FindUnique[ormtest.User](ctx, client, ormtest.UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", userID)}})
			if err != nil || u.ID != userID {
				b.Fatal(err)
			}
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
			rows, err := pool.Query(ctx, "SELECT "+userCols+" FROM users ORDER BY id LIMIT 100")
			if err != nil {
				b.Fatal(err)
			}
			out := make([]ormtest.User, 0, 8)
			for rows.Next() {
				var u ormtest.User
				if err := scanUser(rows, &u); err != nil {
					b.Fatal(err)
				}
				out = append(out, u)
			}
			if rows.Err() != nil || len(out) != 100 {
				b.Fatal(rows.Err(), len(out))
			}
		}
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			us, err := orm.FindMany[ormtest.User](ctx, client, ormtest.UserModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}, Take: 100})
			if err != nil || len(us) != 100 {
				b.Fatal(err, len(us))
			}
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
