package orm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/bench/orm/gendb"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormtest"
)

// BenchmarkClient puts every client of the same four operations side by
// side, on the same database and rows, in one run:
//
//	op=FindUnique     a user by id
//	op=FindMany100    100 users by id
//	op=Include        100 users with their 300 posts and 600 comments
//	op=CreateMany1000 1,000 accounts
//
// impl=pgx is hand-written pgx (CopyFrom for CreateMany), impl=orm the
// runtime with hand-written metadata (orm-join, orm-query: the two
// relation strategies), impl=gen the generated client (bench/orm/gendb),
// impl=prisma Prisma 7 through bench/prisma (with POLYSTORE_BENCH_PRISMA=1
// after `make bench-prisma` installed it; a Node run per operation and
// count, whose figures are reported as ns/op and cpu-ns/op). Compare with
//
//	benchstat -col /impl bench.out
func BenchmarkClient(b *testing.B) {
	ctx := context.Background()
	gc := gendb.New(client)
	type impl struct {
		name string
		op   func(b *testing.B)
	}
	genInclude := &gendb.UserFindArgs{
		OrderBy: []gendb.UserOrder{gendb.UserFields.ID.Asc()}, Take: 100,
		Include: []gendb.UserInclude{gendb.UserFields.Posts.Include(&gendb.PostFindArgs{
			Include: []gendb.PostInclude{gendb.PostFields.Comments.Include(nil)},
		})},
	}
	ormInclude := func(s orm.Strategy) *orm.FindArgs {
		return &orm.FindArgs{Take: 100, OrderBy: []orm.Order{orm.Asc("id")}, Strategy: s, Include: []orm.Include{
			{Relation: "posts", Args: &orm.FindArgs{Include: []orm.Include{orm.Inc("comments")}}},
		}}
	}
	checkTree := func(b *testing.B, users, posts, comments int) {
		if users != nUsers || posts != nUsers*postsPerUser || comments != nUsers*postsPerUser*commentsPerPost {
			b.Fatalf("loaded %d users, %d posts, %d comments", users, posts, comments)
		}
	}
	const nCreate = 1000
	ops := []struct {
		name  string
		impls []impl
	}{
		{"FindUnique", []impl{
			{"pgx", func(b *testing.B) { pgxFindUnique(ctx, b) }},
			{"orm", func(b *testing.B) { ormFindUnique(ctx, b) }},
			{"gen", func(b *testing.B) {
				u, err := gc.User.FindUnique(ctx, gendb.UserByID(userID), nil)
				if err != nil || u == nil || u.ID != userID {
					b.Fatal(err)
				}
			}},
		}},
		{"FindMany100", []impl{
			{"pgx", func(b *testing.B) { pgxFindMany100(ctx, b) }},
			{"orm", func(b *testing.B) { ormFindMany100(ctx, b) }},
			{"gen", func(b *testing.B) {
				us, err := gc.User.FindMany(ctx, &gendb.UserFindArgs{OrderBy: []gendb.UserOrder{gendb.UserFields.ID.Asc()}, Take: 100})
				if err != nil || len(us) != 100 {
					b.Fatal(err, len(us))
				}
			}},
		}},
		{"Include", []impl{
			{"pgx", func(b *testing.B) {
				users := loadRaw(b, ctx)
				p, c := treeSize(users)
				checkTree(b, len(users), p, c)
			}},
			{"orm-query", func(b *testing.B) {
				users, err := orm.FindMany[ormtest.User](ctx, client, ormtest.UserModel, ormInclude(orm.StrategyQuery))
				if err != nil {
					b.Fatal(err)
				}
				p, c := treeSize(users)
				checkTree(b, len(users), p, c)
			}},
			{"orm-join", func(b *testing.B) {
				users, err := orm.FindMany[ormtest.User](ctx, client, ormtest.UserModel, ormInclude(orm.StrategyJoin))
				if err != nil {
					b.Fatal(err)
				}
				p, c := treeSize(users)
				checkTree(b, len(users), p, c)
			}},
			{"gen", func(b *testing.B) {
				users, err := gc.User.FindMany(ctx, genInclude)
				if err != nil {
					b.Fatal(err)
				}
				p, c := 0, 0
				for _, u := range users {
					p += len(u.Posts)
					for _, pp := range u.Posts {
						c += len(pp.Comments)
					}
				}
				checkTree(b, len(users), p, c)
			}},
		}},
		{"CreateMany1000", []impl{
			{"pgx", func(b *testing.B) {
				rows := make([][]any, nCreate)
				for i := range rows {
					rows[i] = []any{"owner", int64(i)}
				}
				if n, err := pool.CopyFrom(ctx, pgx.Identifier{"Account"}, []string{"owner", "balance"}, pgx.CopyFromRows(rows)); err != nil || n != nCreate {
					b.Fatal(err, n)
				}
			}},
			{"orm", func(b *testing.B) {
				data := make([]orm.Data, nCreate)
				for i := range data {
					data[i] = orm.Data{"owner": "owner", "balance": int64(i)}
				}
				if n, err := orm.CreateMany(ctx, client, ormtest.AccountModel, &orm.CreateManyArgs{Data: data}); err != nil || n != nCreate {
					b.Fatal(err, n)
				}
			}},
			{"gen", func(b *testing.B) {
				data := make([][]gendb.AccountSet, nCreate)
				for i := range data {
					data[i] = []gendb.AccountSet{gendb.AccountFields.Owner.Set("owner"), gendb.AccountFields.Balance.Set(int64(i))}
				}
				if n, err := gc.Account.CreateMany(ctx, &gendb.AccountCreateManyArgs{Data: data}); err != nil || n != nCreate {
					b.Fatal(err, n)
				}
			}},
		}},
	}
	for _, op := range ops {
		for _, im := range op.impls {
			b.Run("op="+op.name+"/impl="+im.name, func(b *testing.B) {
				b.ReportAllocs()
				start := cpuTime()
				for b.Loop() {
					im.op(b)
				}
				reportCPU(b, start)
			})
		}
		if os.Getenv("POLYSTORE_BENCH_PRISMA") != "" {
			b.Run("op="+op.name+"/impl=prisma", func(b *testing.B) {
				// A Node run of its own per count, so counts vary as the Go
				// ones do.
				res, err := runPrisma(op.name)
				if err != nil {
					b.Fatal(err)
				}
				r, ok := res[op.name]
				if !ok {
					b.Fatalf("bench/prisma reported no %s", op.name)
				}
				b.Logf("node: %d operations, %.0f ns/op, %.0f cpu-ns/op", r.N, r.NsPerOp, r.CPUNsPerOp)
				for b.Loop() {
				}
				// The Node run's own figures replace the (empty) loop's.
				b.ReportMetric(r.NsPerOp, "ns/op")
				b.ReportMetric(r.CPUNsPerOp, "cpu-ns/op")
				b.ReportMetric(r.HeapBytesPerOp, "heap-B/op")
			})
		}
	}
}

// prismaResult is one line of bench/prisma/bench.mjs.
type prismaResult struct {
	Op             string  `json:"op"`
	N              int     `json:"n"`
	NsPerOp        float64 `json:"nsPerOp"`
	CPUNsPerOp     float64 `json:"cpuNsPerOp"`
	HeapBytesPerOp float64 `json:"heapBytesPerOp"`
}

// runPrisma runs bench/prisma for one operation on this package's database
// and rows and returns its results by operation.
func runPrisma(op string) (map[string]prismaResult, error) {
	dir, err := filepath.Abs("../prisma")
	if err != nil {
		return nil, err
	}
	secs := os.Getenv("POLYSTORE_BENCH_PRISMA_SECONDS")
	if secs == "" {
		secs = "3"
	}
	cmd := exec.Command("node", "bench.mjs", secs)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+benchDSN, "USER_ID="+strconv.Itoa(userID), "OPS="+op)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	res := map[string]prismaResult{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r prismaResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, err
		}
		res[r.Op] = r
	}
	return res, sc.Err()
}
