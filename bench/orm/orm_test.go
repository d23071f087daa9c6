package orm

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormtest"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

var (
	pool   *pgxpool.Pool
	client *orm.Client
	gdb    *gorm.DB
	userID int
	// benchDSN is the URL of the benchmark database.
	benchDSN string
)

const nUsers, postsPerUser, commentsPerPost = 100, 3, 2

func TestMain(m *testing.M) {
	ctx := context.Background()
	srv, err := devenv.ResolvePostgres(ctx, &devenv.Options{StartServers: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	admin, err := pgx.Connect(ctx, srv.URL)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	name := devenv.UniqueName("polystore_bench_orm_")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	u, _ := url.Parse(srv.URL)
	u.Path = "/" + name
	code := run(m, u.String())
	if pool != nil {
		pool.Close()
	}
	if s, err := gdb.DB(); err == nil {
		_ = s.Close()
	}
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	_ = admin.Close(ctx)
	_ = srv.Close(ctx)
	os.Exit(code)
}

func run(m *testing.M, dsn string) int {
	ctx := context.Background()
	benchDSN = dsn
	var err error
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	cfg, err := orm.ParseConfig(dsn)
	must(err)
	client, err = orm.New(ctx, cfg)
	must(err)
	pool = client.Pool()
	_, err = pool.Exec(ctx, ormtest.DDL)
	must(err)
	// 100 users, 3 posts each, 2 comments per post.
	_, err = pool.Exec(ctx, `
		INSERT INTO users (email, name, "updatedAt") SELECT 'u'||i||'@example.com', 'User '||i, now() FROM generate_series(1, $1) i;
	`, nUsers)
	must(err)
	_, err = pool.Exec(ctx, `INSERT INTO "Post" (title, content, published, views, tags, "authorId")
		SELECT 'Post '||u.id||'-'||j, 'Some content', j % 2 = 0, j, '{go,sql}', u.id FROM users u, generate_series(1, $1) j`, postsPerUser)
	must(err)
	_, err = pool.Exec(ctx, `INSERT INTO "Comment" (body, approved, "postId", "authorId")
		SELECT 'Comment '||k, true, p.id, p."authorId" FROM "Post" p, generate_series(1, $1) k`, commentsPerPost)
	must(err)
	_, err = pool.Exec(ctx, "ANALYZE")
	must(err)
	must(pool.QueryRow(ctx, "SELECT min(id) FROM users").Scan(&userID))
	gdb, err = gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, PrepareStmt: true})
	must(err)
	return m.Run()
}

// cpuTime is the CPU time used by the process so far: the client-side
// cost, less sensitive than wall time to the load of a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ns/op metric since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// GORM models mapped onto the same tables.
type gUser struct {
	ID        int
	Email     string
	Name      *string
	Role      string
	CreatedAt time.Time  `gorm:"column:createdAt"`
	UpdatedAt time.Time  `gorm:"column:updatedAt"`
	DeletedAt *time.Time `gorm:"column:deletedAt"`
	Posts     []gPost    `gorm:"foreignKey:AuthorID"`
}

func (gUser) TableName() string { return "users" }

type gPost struct {
	ID        int
	Title     string
	Content   *string
	Published bool
	Views     int
	AuthorID  int        `gorm:"column:authorId"`
	CreatedAt time.Time  `gorm:"column:createdAt"`
	Comments  []gComment `gorm:"foreignKey:PostID"`
}

func (gPost) TableName() string { return "Post" }

type gComment struct {
	ID        int
	Body      string
	Approved  bool
	PostID    int       `gorm:"column:postId"`
	AuthorID  int       `gorm:"column:authorId"`
	CreatedAt time.Time `gorm:"column:createdAt"`
}

func (gComment) TableName() string { return "Comment" }

type gAccount struct {
	ID       int
	Owner    string
	TenantID string `gorm:"column:tenantId"`
	Balance  int64
}

func (gAccount) TableName() string { return "Account" }

const userCols = `id, email, name, role, "createdAt", "updatedAt", "deletedAt"`

func scanUser(r pgx.Rows, u *ormtest.User) error {
	return r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &u.UpdatedAt, &u.DeletedAt)
}

func BenchmarkFindUnique(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			pgxFindUnique(ctx, b)
		}
		reportCPU(b, start)
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			ormFindUnique(ctx, b)
		}
		reportCPU(b, start)
	})
	b.Run("impl=gorm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			var u gUser
			if err := gdb.WithContext(ctx).First(&u, userID).Error; err != nil || u.ID != userID {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
}

func BenchmarkFindMany100(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			pgxFindMany100(ctx, b)
		}
		reportCPU(b, start)
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			ormFindMany100(ctx, b)
		}
		reportCPU(b, start)
	})
	b.Run("impl=gorm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			var us []gUser
			if err := gdb.WithContext(ctx).Order("id").Limit(100).Find(&us).Error; err != nil || len(us) != 100 {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
}

// Users with their posts and the posts' comments.
func BenchmarkIncludePostsComments(b *testing.B) {
	ctx := context.Background()
	check := func(b *testing.B, users, posts, comments int) {
		if users != nUsers || posts != nUsers*postsPerUser || comments != nUsers*postsPerUser*commentsPerPost {
			b.Fatalf("loaded %d users, %d posts, %d comments", users, posts, comments)
		}
	}
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			users := loadRaw(b, ctx)
			p, c := treeSize(users)
			check(b, len(users), p, c)
		}
		reportCPU(b, start)
	})
	for _, s := range []struct {
		name string
		s    orm.Strategy
	}{{"impl=orm-join", orm.StrategyJoin}, {"impl=orm-query", orm.StrategyQuery}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			args := &orm.FindArgs{Take: 100, OrderBy: []orm.Order{orm.Asc("id")}, Strategy: s.s, Include: []orm.Include{
				{Relation: "posts", Args: &orm.FindArgs{Include: []orm.Include{orm.Inc("comments")}}},
			}}
			start := cpuTime()
			for b.Loop() {
				users, err := orm.FindMany[ormtest.User](ctx, client, ormtest.UserModel, args)
				if err != nil {
					b.Fatal(err)
				}
				p, c := treeSize(users)
				check(b, len(users), p, c)
			}
			reportCPU(b, start)
		})
	}
	b.Run("impl=gorm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			var users []gUser
			if err := gdb.WithContext(ctx).Preload("Posts.Comments").Order("id").Limit(100).Find(&users).Error; err != nil {
				b.Fatal(err)
			}
			p, c := 0, 0
			for _, u := range users {
				p += len(u.Posts)
				for _, pp := range u.Posts {
					c += len(pp.Comments)
				}
			}
			check(b, len(users), p, c)
		}
		reportCPU(b, start)
	})
}

// treeSize counts the posts and comments loaded under users.
func treeSize(users []ormtest.User) (posts, comments int) {
	for _, u := range users {
		posts += len(u.Posts)
		for _, p := range u.Posts {
			comments += len(p.Comments)
		}
	}
	return posts, comments
}

// loadRaw is the hand-written floor: three queries stitched with maps.
func loadRaw(b *testing.B, ctx context.Context) []ormtest.User {
	rows, err := pool.Query(ctx, "SELECT "+userCols+" FROM users ORDER BY id LIMIT 100")
	if err != nil {
		b.Fatal(err)
	}
	var users []ormtest.User
	var ids []int32
	for rows.Next() {
		var u ormtest.User
		if err := scanUser(rows, &u); err != nil {
			b.Fatal(err)
		}
		users = append(users, u)
		ids = append(ids, int32(u.ID))
	}
	rows, err = pool.Query(ctx, `SELECT id, title, content, published, views, tags, "authorId", "createdAt" FROM "Post" WHERE "authorId" = ANY($1)`, ids)
	if err != nil {
		b.Fatal(err)
	}
	var posts []ormtest.Post
	var pids []int32
	for rows.Next() {
		var p ormtest.Post
		if err := rows.Scan(&p.ID, &p.Title, &p.Content, &p.Published, &p.Views, &p.Tags, &p.AuthorID, &p.CreatedAt); err != nil {
			b.Fatal(err)
		}
		posts = append(posts, p)
		pids = append(pids, int32(p.ID))
	}
	rows, err = pool.Query(ctx, `SELECT id, body, approved, "postId", "authorId", "createdAt" FROM "Comment" WHERE "postId" = ANY($1)`, pids)
	if err != nil {
		b.Fatal(err)
	}
	byPost := map[int][]ormtest.Comment{}
	for rows.Next() {
		var c ormtest.Comment
		if err := rows.Scan(&c.ID, &c.Body, &c.Approved, &c.PostID, &c.AuthorID, &c.CreatedAt); err != nil {
			b.Fatal(err)
		}
		byPost[c.PostID] = append(byPost[c.PostID], c)
	}
	byUser := map[int][]ormtest.Post{}
	for _, p := range posts {
		p.Comments = byPost[p.ID]
		byUser[p.AuthorID] = append(byUser[p.AuthorID], p)
	}
	for i := range users {
		users[i].Posts = byUser[users[i].ID]
	}
	return users
}

func BenchmarkCreateMany1000(b *testing.B) {
	ctx := context.Background()
	const n = 1000
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			rows := make([][]any, n)
			for i := range rows {
				rows[i] = []any{"owner", int64(i)}
			}
			if _, err := pool.CopyFrom(ctx, pgx.Identifier{"Account"}, []string{"owner", "balance"}, pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
	b.Run("impl=orm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			data := make([]orm.Data, n)
			for i := range data {
				data[i] = orm.Data{"owner": "owner", "balance": int64(i)}
			}
			if c, err := orm.CreateMany(ctx, client, ormtest.AccountModel, &orm.CreateManyArgs{Data: data}); err != nil || c != n {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
	b.Run("impl=gorm", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			accs := make([]gAccount, n)
			for i := range accs {
				accs[i] = gAccount{Owner: "owner", Balance: int64(i)}
			}
			if err := gdb.WithContext(ctx).CreateInBatches(accs, n).Error; err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
}

// Posts with their comments and the comments' authors, through a plain
// client and a SoftDelete client (whose scope filters the authors, a model
// with deletedAt): the cost of relation scoping.
func BenchmarkIncludeScoped(b *testing.B) {
	ctx := context.Background()
	soft := client.With(orm.SoftDelete("deletedAt"))
	for _, s := range []struct {
		name string
		s    orm.Strategy
	}{{"strategy=join", orm.StrategyJoin}, {"strategy=query", orm.StrategyQuery}} {
		for _, c := range []struct {
			name string
			c    *orm.Client
		}{{"ext=none", client}, {"ext=softDelete", soft}} {
			b.Run(s.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				args := &orm.FindArgs{Take: 100, OrderBy: []orm.Order{orm.Asc("id")}, Strategy: s.s, Include: []orm.Include{
					orm.Inc("comments", orm.Inc("author")),
				}}
				start := cpuTime()
				for b.Loop() {
					posts, err := orm.FindMany[ormtest.Post](ctx, c.c, ormtest.PostModel, args)
					if err != nil {
						b.Fatal(err)
					}
					n := 0
					for _, p := range posts {
						for _, cm := range p.Comments {
							if cm.Author != nil {
								n++
							}
						}
					}
					if len(posts) != 100 || n != 100*commentsPerPost {
						b.Fatalf("loaded %d posts, %d comments with authors", len(posts), n)
					}
				}
				reportCPU(b, start)
			})
		}
	}
}

// One operation of each baseline, shared by the benchmarks in this package
// so every comparison runs the same code.

func pgxFindUnique(ctx context.Context, b *testing.B) {
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

func ormFindUnique(ctx context.Context, b *testing.B) {
	u, err := orm.FindUnique[ormtest.User](ctx, client, ormtest.UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", userID)}})
	if err != nil || u.ID != userID {
		b.Fatal(err)
	}
}

func pgxFindMany100(ctx context.Context, b *testing.B) {
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

func ormFindMany100(ctx context.Context, b *testing.B) {
	us, err := orm.FindMany[ormtest.User](ctx, client, ormtest.UserModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}, Take: 100})
	if err != nil || len(us) != 100 {
		b.Fatal(err, len(us))
	}
}
