package orm_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// Clock models every DateTime flavour Prisma maps on PostgreSQL.
var (
	clockModel = &orm.Model{
		Name: "Clock",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int},
			{Name: "at", Type: orm.DateTime, DBType: "timestamp(3)", Nullable: true},
			{Name: "atz", Type: orm.DateTime, DBType: "timestamptz(3)", Nullable: true},
			{Name: "day", Type: orm.DateTime, DBType: "date", Nullable: true},
			{Name: "clock", Type: orm.DateTime, DBType: "time(3)", Nullable: true},
			{Name: "clockz", Type: orm.DateTime, DBType: "timetz(3)", Nullable: true},
			{Name: "made", Type: orm.DateTime, DBType: "timestamp(3)", HasDefault: true},
			{Name: "touched", Type: orm.DateTime, DBType: "timestamp(3)", UpdatedAt: true},
			{Name: "ownerId", Type: orm.Int, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "owner", Kind: orm.ManyToOne, Model: "ClockOwner", Fields: []string{"ownerId"}, References: []string{"id"}},
		},
	}
	clockOwnerModel = &orm.Model{
		Name:       "ClockOwner",
		Fields:     []*orm.Field{{Name: "id", Type: orm.Int}},
		PrimaryKey: []string{"id"},
		Relations:  []*orm.Relation{{Name: "clocks", Kind: orm.OneToMany, Model: "Clock", Inverse: "owner"}},
	}
	_ = mustSchema(clockModel, clockOwnerModel)
)

func mustSchema(models ...*orm.Model) *orm.Schema {
	s, err := orm.NewSchema(models...)
	if err != nil {
		panic(err)
	}
	return s
}

const clockDDL = `
CREATE TABLE "ClockOwner" (id int PRIMARY KEY);
CREATE TABLE "Clock" (
  id int PRIMARY KEY,
  at timestamp(3), atz timestamptz(3), day date, clock time(3), clockz timetz(3),
  made timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  touched timestamp(3) NOT NULL,
  "ownerId" int REFERENCES "ClockOwner"(id));`

type clockRow struct {
	ID      int        `json:"id"`
	At      *time.Time `json:"at"`
	Atz     *time.Time `json:"atz"`
	Day     *time.Time `json:"day"`
	Clock   *time.Time `json:"clock"`
	Clockz  *time.Time `json:"clockz"`
	Made    time.Time  `json:"made"`
	Touched time.Time  `json:"touched"`
	OwnerID *int       `json:"ownerId"`
}

type clockOwnerRow struct {
	ID     int        `json:"id"`
	Clocks []clockRow `json:"clocks"`
}

// newClockEnv opens a client on a database whose default time zone is not
// UTC (as a server configured for local time would be).
func newClockEnv(t *testing.T) *orm.Client {
	t.Helper()
	ctx := context.Background()
	u := devenv.PostgresURL(t)
	admin, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	pu, _ := url.Parse(u)
	_, err = admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{pu.Path[1:]}.Sanitize()+" SET timezone = 'Asia/Bangkok'")
	require.NoError(t, err)
	_, err = admin.Exec(ctx, clockDDL)
	require.NoError(t, err)
	require.NoError(t, admin.Close(ctx))
	c, err := orm.Open(ctx, u)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func TestDateTimesAreStoredAndFilteredInUTC(t *testing.T) {
	ctx := context.Background()
	c := newClockEnv(t)
	plus2 := time.FixedZone("", 2*3600)
	plus7 := time.FixedZone("", 7*3600)
	// clock-free: these dates are stored and filtered, never compared with
	// the clock; only the database defaults (made, touched) are, below.
	noon := time.Date(2024, 6, 1, 12, 0, 0, 0, plus2) // 10:00 UTC
	early := time.Date(2024, 6, 1, 1, 0, 0, 0, plus7) // 2024-05-31 18:00 UTC
	_, err := orm.Create[clockOwnerRow](ctx, c, clockOwnerModel, &orm.CreateArgs{Data: orm.Data{"id": 1,
		"clocks": &orm.Nested{Create: []orm.Data{{"id": 1, "at": noon, "atz": noon, "day": early, "clock": noon, "clockz": noon}}}}})
	require.NoError(t, err)
	_, err = orm.CreateMany(ctx, c, clockModel, &orm.CreateManyArgs{Data: []orm.Data{{"id": 2, "at": early}, {"id": 3, "at": "2024-06-01T12:00:00+02:00"}}})
	require.NoError(t, err)

	text := func(id int) (at, atz, day, clock, clockz, made, touched *string) {
		require.NoError(t, c.Pool().QueryRow(ctx, `SELECT at::text, (atz AT TIME ZONE 'UTC')::text, day::text, clock::text,
			(clockz AT TIME ZONE 'UTC')::text, made::text, touched::text FROM "Clock" WHERE id = $1`, id).
			Scan(&at, &atz, &day, &clock, &clockz, &made, &touched))
		return
	}
	at, atz, day, clock, clockz, made, touched := text(1)
	require.Equal(t, "2024-06-01 10:00:00", *at, "the UTC wall clock, as Prisma stores it")
	require.Equal(t, "2024-06-01 10:00:00", *atz)
	require.Equal(t, "2024-05-31", *day, "@db.Date keeps the UTC date")
	require.Equal(t, "10:00:00", *clock, "@db.Time keeps the UTC time of day")
	require.Equal(t, "10:00:00+00", *clockz)
	// The database defaults to Asia/Bangkok (UTC+7): defaults and
	// @updatedAt are still UTC.
	now := time.Now().UTC()
	for _, s := range []*string{made, touched} {
		got, err := time.Parse("2006-01-02 15:04:05.999", *s)
		require.NoError(t, err)
		require.WithinDuration(t, now, got, 5*time.Minute, "%s is UTC", *s)
	}
	at, _, _, _, _, _, _ = text(3)
	require.Equal(t, "2024-06-01 10:00:00", *at, "RFC 3339 strings are converted too")

	// Reads return UTC instants; @db.Time reads as 1970-01-01 like Prisma.
	for _, strat := range []orm.Strategy{orm.StrategyQuery, orm.StrategyJoin} {
		got, err := orm.FindMany[clockRow](ctx, c, clockModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", 1)}, Strategy: strat})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.True(t, got[0].At.Equal(noon))
		require.True(t, got[0].Atz.Equal(noon))
		require.Equal(t, "2024-05-31T00:00:00Z", got[0].Day.UTC().Format(time.RFC3339))
		require.Equal(t, "1970-01-01T10:00:00Z", got[0].Clock.UTC().Format(time.RFC3339))
		require.Equal(t, "1970-01-01T10:00:00Z", got[0].Clockz.UTC().Format(time.RFC3339))
		owners, err := orm.FindMany[clockOwnerRow](ctx, c, clockOwnerModel, &orm.FindArgs{Strategy: strat,
			Include: []orm.Include{{Relation: "clocks", Args: &orm.FindArgs{Where: orm.Where{orm.Eq("id", 1)}}}}})
		require.NoError(t, err)
		require.Len(t, owners[0].Clocks, 1)
		nested := owners[0].Clocks[0]
		require.True(t, nested.At.Equal(noon), "strategy %d: %v", strat, nested.At)
		require.Equal(t, "2024-05-31T00:00:00Z", nested.Day.UTC().Format(time.RFC3339))
		require.Equal(t, "1970-01-01T10:00:00Z", nested.Clock.UTC().Format(time.RFC3339))
	}

	ids := func(w orm.Where) []int {
		t.Helper()
		rows, err := orm.FindMany[clockRow](ctx, c, clockModel, &orm.FindArgs{Where: w, OrderBy: []orm.Order{orm.Asc("id")}})
		require.NoError(t, err)
		var out []int
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	require.Equal(t, []int{1, 3}, ids(orm.Where{orm.Eq("at", noon)}), "filters compare instants")
	require.Equal(t, []int{1, 3}, ids(orm.Where{orm.Eq("at", noon.UTC())}))
	require.Equal(t, []int{1, 3}, ids(orm.Where{orm.Gt("at", time.Date(2024, 6, 1, 11, 0, 0, 0, plus2))}))
	require.Equal(t, []int{2}, ids(orm.Where{orm.Lt("at", time.Date(2024, 6, 1, 4, 0, 0, 0, plus7))}))
	require.Equal(t, []int{2}, ids(orm.Where{orm.In("at", []time.Time{early})}))
	require.Equal(t, []int{1}, ids(orm.Where{orm.Eq("atz", time.Date(2024, 6, 1, 17, 0, 0, 0, plus7))}))
	require.Equal(t, []int{1}, ids(orm.Where{orm.Eq("day", time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC))}))
	require.Equal(t, []int{1}, ids(orm.Where{orm.Eq("clock", time.Date(1970, 1, 1, 12, 0, 0, 0, plus2))}))

	owners, err := orm.FindMany[clockOwnerRow](ctx, c, clockOwnerModel, &orm.FindArgs{Where: orm.Where{orm.SomeOf("clocks", orm.Eq("at", noon))}})
	require.NoError(t, err)
	require.Len(t, owners, 1, "relation filters convert too")

	_, err = orm.Update[clockRow](ctx, c, clockModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 2)}, Data: orm.Data{"at": noon, "day": noon}})
	require.NoError(t, err)
	n, err := orm.UpdateMany(ctx, c, clockModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("at", noon)}, Data: orm.Data{"atz": early}})
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
	at, atz, day, _, _, _, _ = text(2)
	require.Equal(t, "2024-06-01 10:00:00", *at)
	require.Equal(t, "2024-05-31 18:00:00", *atz)
	require.Equal(t, "2024-06-01", *day)
}
