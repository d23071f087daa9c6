package orm

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormtest"
)

// BenchmarkReplicaRouting measures what read routing costs, on a private
// primary with a streaming replica (both on loopback): FindUnique by id
//   - impl=orm_primary: a client without replicas;
//   - impl=orm_routed_primary: a client with a replica configured, the read
//     sent to the primary (the routing decision alone);
//   - impl=orm_replica: the same client reading from the replica
//     (ReadFromReplicas);
//   - impl=pgx_replica: raw pgx on the replica, the floor of the previous one.
func BenchmarkReplicaRouting(b *testing.B) {
	ctx := context.Background()
	rs, err := devenv.StartPostgresReplicaSet(ctx)
	if err != nil {
		b.Skip("no replica set:", err)
	}
	defer func() { _ = rs.Close(context.Background()) }()
	newClient := func(replicas bool) *orm.Client {
		cfg, err := orm.ParseConfig(rs.Primary.URL)
		if err != nil {
			b.Fatal(err)
		}
		if replicas {
			rc, err := pgxpool.ParseConfig(rs.Replica.URL)
			if err != nil {
				b.Fatal(err)
			}
			cfg.Replicas = []*pgxpool.Config{rc}
			cfg.ReplicaMaxLag = time.Minute // measure routing, not lag checks
		}
		c, err := orm.New(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	plain, routed := newClient(false), newClient(true)
	defer plain.Close()
	defer routed.Close()
	if _, err := plain.Pool().Exec(ctx, ormtest.DDL); err != nil {
		b.Fatal(err)
	}
	u, err := orm.Create[ormtest.User](ctx, plain, ormtest.UserModel, &orm.CreateArgs{Data: orm.Data{"email": "bench@x", "name": "Bench"}})
	if err != nil {
		b.Fatal(err)
	}
	if err := rs.WaitCaughtUp(ctx); err != nil {
		b.Fatal(err)
	}
	replicaPool, err := pgxpool.New(ctx, rs.Replica.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer replicaPool.Close()
	args := &orm.FindArgs{Where: orm.Where{orm.Eq("id", u.ID)}}
	find := func(b *testing.B, ctx context.Context, c *orm.Client) {
		got, err := orm.FindUnique[ormtest.User](ctx, c, ormtest.UserModel, args)
		if err != nil || got == nil || got.ID != u.ID {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		c    *orm.Client
	}{
		{"orm_primary", ctx, plain},
		{"orm_routed_primary", ctx, routed},
		{"orm_replica", orm.OnReplica(ctx), routed},
	} {
		b.Run("impl="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				find(b, tc.ctx, tc.c)
			}
		})
	}
	b.Run("impl=pgx_replica", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got ormtest.User
			err := replicaPool.QueryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = $1", u.ID).
				Scan(&got.ID, &got.Email, &got.Name, &got.Role, &got.CreatedAt, &got.UpdatedAt, &got.DeletedAt)
			if err != nil || got.ID != u.ID {
				b.Fatal(err)
			}
		}
	})
}
