package orm_test

import (
	"context"
	"testing"
	"time"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// scopedFields is id, the given fields, tenantId and deletedAt.
func scopedFields(fs ...*orm.Field) []*orm.Field {
	out := []*orm.Field{{Name: "id", Type: orm.Int, HasDefault: true}}
	out = append(out, fs...)
	return append(out, &orm.Field{Name: "tenantId", Type: orm.String, HasDefault: true},
		&orm.Field{Name: "deletedAt", Type: orm.DateTime, Nullable: true})
}

// A schema where every model carries deletedAt and tenantId, so the scope
// of SoftDelete and Tenant can be checked through every kind of relation.
var (
	writerModel = &orm.Model{
		Name:       "Writer",
		Fields:     scopedFields(&orm.Field{Name: "name", Type: orm.String}),
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "articles", Kind: orm.OneToMany, Model: "Article", Inverse: "writer"},
		},
	}
	articleModel = &orm.Model{
		Name:       "Article",
		Fields:     scopedFields(&orm.Field{Name: "title", Type: orm.String}, &orm.Field{Name: "writerId", Type: orm.Int}),
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "writer", Kind: orm.ManyToOne, Model: "Writer", Fields: []string{"writerId"}, References: []string{"id"}},
			{Name: "notes", Kind: orm.OneToMany, Model: "Note", Inverse: "article"},
			{Name: "labels", Kind: orm.ManyToMany, Model: "Label",
				JoinTable: &orm.JoinTable{Table: "_ArticleToLabel", Column: "A", TargetColumn: "B"}},
		},
	}
	noteModel = &orm.Model{
		Name:       "Note",
		Fields:     scopedFields(&orm.Field{Name: "body", Type: orm.String}, &orm.Field{Name: "articleId", Type: orm.Int}),
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "article", Kind: orm.ManyToOne, Model: "Article", Fields: []string{"articleId"}, References: []string{"id"}},
		},
	}
	labelModel = &orm.Model{
		Name:       "Label",
		Fields:     scopedFields(&orm.Field{Name: "name", Type: orm.String}),
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "articles", Kind: orm.ManyToMany, Model: "Article",
				JoinTable: &orm.JoinTable{Table: "_ArticleToLabel", Column: "B", TargetColumn: "A"}},
		},
	}
	_ = orm.MustSchema(writerModel, articleModel, noteModel, labelModel)
)

const scopeDDL = `
CREATE TABLE "Writer" (id serial PRIMARY KEY, name text NOT NULL, "tenantId" text NOT NULL DEFAULT '', "deletedAt" timestamp(3));
CREATE TABLE "Article" (id serial PRIMARY KEY, title text NOT NULL, "writerId" integer NOT NULL REFERENCES "Writer"(id),
  "tenantId" text NOT NULL DEFAULT '', "deletedAt" timestamp(3));
CREATE TABLE "Note" (id serial PRIMARY KEY, body text NOT NULL, "articleId" integer NOT NULL REFERENCES "Article"(id),
  "tenantId" text NOT NULL DEFAULT '', "deletedAt" timestamp(3));
CREATE TABLE "Label" (id serial PRIMARY KEY, name text NOT NULL, "tenantId" text NOT NULL DEFAULT '', "deletedAt" timestamp(3));
CREATE TABLE "_ArticleToLabel" ("A" integer NOT NULL REFERENCES "Article"(id), "B" integer NOT NULL REFERENCES "Label"(id));
CREATE UNIQUE INDEX ON "_ArticleToLabel"("A", "B");
`

type (
	writer struct {
		ID        int        `json:"id"`
		Name      string     `json:"name"`
		TenantID  string     `json:"tenantId"`
		DeletedAt *time.Time `json:"deletedAt"`
		Articles  []article  `json:"articles,omitempty"`
		Count     *struct {
			Articles int64 `json:"articles"`
		} `json:"_count,omitempty"`
	}
	article struct {
		ID        int        `json:"id"`
		Title     string     `json:"title"`
		WriterID  int        `json:"writerId"`
		TenantID  string     `json:"tenantId"`
		DeletedAt *time.Time `json:"deletedAt"`
		Writer    *writer    `json:"writer,omitempty"`
		Notes     []note     `json:"notes,omitempty"`
		Labels    []label    `json:"labels,omitempty"`
		Count     *struct {
			Notes  int64 `json:"notes"`
			Labels int64 `json:"labels"`
		} `json:"_count,omitempty"`
	}
	note struct {
		ID        int        `json:"id"`
		Body      string     `json:"body"`
		ArticleID int        `json:"articleId"`
		TenantID  string     `json:"tenantId"`
		DeletedAt *time.Time `json:"deletedAt"`
		Article   *article   `json:"article,omitempty"`
	}
	label struct {
		ID        int        `json:"id"`
		Name      string     `json:"name"`
		TenantID  string     `json:"tenantId"`
		DeletedAt *time.Time `json:"deletedAt"`
	}
)

// scopeEnv loads the scope schema and the rows given as SQL.
func scopeEnv(t *testing.T, rows string) *env {
	t.Helper()
	e := newEnv(t, nil)
	_, err := e.c.Pool().Exec(context.Background(), scopeDDL+rows)
	require.NoError(t, err)
	return e
}

func writerNames(ws []writer) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Name
	}
	return out
}

func articleTitles(as []article) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Title)
	}
	return out
}

func noteBodies(ns []note) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.Body)
	}
	return out
}

// Soft-deleted rows ("x…") and writer "gone" are marked deleted.
const softRows = `
INSERT INTO "Writer" (id, name) VALUES (1, 'ann'), (2, 'ben'), (3, 'cat');
INSERT INTO "Writer" (id, name, "deletedAt") VALUES (4, 'gone', now());
INSERT INTO "Article" (id, title, "writerId") VALUES (1, 'a1', 1), (3, 'a3', 1), (6, 'c1', 3);
INSERT INTO "Article" (id, title, "writerId", "deletedAt") VALUES (2, 'x2', 1, now()), (4, 'x4', 2, now()), (5, 'x5', 2, now()), (7, 'x7', 2, now()), (8, 'x8', 4, now());
INSERT INTO "Note" (id, body, "articleId") VALUES (1, 'n1', 1), (3, 'n3', 2);
INSERT INTO "Note" (id, body, "articleId", "deletedAt") VALUES (2, 'xn2', 1, now());
INSERT INTO "Label" (id, name) VALUES (1, 'l1');
INSERT INTO "Label" (id, name, "deletedAt") VALUES (2, 'xl2', now());
INSERT INTO "_ArticleToLabel" VALUES (1, 1), (1, 2), (2, 1);
SELECT setval('"Writer_id_seq"', 10), setval('"Article_id_seq"', 10), setval('"Note_id_seq"', 10), setval('"Label_id_seq"', 10);
`

// Invariant: through a SoftDelete client, a soft-deleted row is never
// returned or counted, at any depth and by any path: included relations
// (both strategies), relation filters, _count and _count ordering.
func TestSoftDeleteScopesRelations(t *testing.T) {
	e := scopeEnv(t, softRows)
	ctx := context.Background()
	c := e.c.With(orm.SoftDelete("deletedAt"))
	byID := []orm.Order{orm.Asc("id")}

	for _, s := range strategies() {
		t.Run(strategyName(s), func(t *testing.T) {
			ws, err := orm.FindMany[writer](ctx, c, writerModel, &orm.FindArgs{
				OrderBy: byID, Strategy: s,
				Include: []orm.Include{{Relation: "articles", Args: &orm.FindArgs{
					OrderBy: byID,
					Include: []orm.Include{
						{Relation: "notes", Args: &orm.FindArgs{OrderBy: byID}},
						{Relation: "labels", Args: &orm.FindArgs{OrderBy: byID}},
						orm.Inc("writer"),
					},
					Count: []orm.CountOf{{Relation: "notes"}, {Relation: "labels"}},
				}}},
				Count: []orm.CountOf{{Relation: "articles"}},
			})
			require.NoError(t, err)
			require.Equal(t, []string{"ann", "ben", "cat"}, writerNames(ws))
			require.Equal(t, []string{"a1", "a3"}, articleTitles(ws[0].Articles))
			require.Empty(t, ws[1].Articles, "ben's articles are all deleted")
			require.Equal(t, []string{"c1"}, articleTitles(ws[2].Articles))
			require.EqualValues(t, []int64{2, 0, 1}, []int64{ws[0].Count.Articles, ws[1].Count.Articles, ws[2].Count.Articles})
			a1 := ws[0].Articles[0]
			require.Equal(t, []string{"n1"}, noteBodies(a1.Notes))
			require.Len(t, a1.Labels, 1)
			require.Equal(t, "l1", a1.Labels[0].Name)
			require.EqualValues(t, 1, a1.Count.Notes)
			require.EqualValues(t, 1, a1.Count.Labels)
			require.Equal(t, "ann", a1.Writer.Name)

			// A to-one include of a deleted row is null.
			ns, err := orm.FindMany[note](ctx, c, noteModel, &orm.FindArgs{OrderBy: byID, Strategy: s, Include: []orm.Include{orm.Inc("article")}})
			require.NoError(t, err)
			require.Equal(t, []string{"n1", "n3"}, noteBodies(ns))
			require.NotNil(t, ns[0].Article)
			require.Nil(t, ns[1].Article, "n3's article is deleted")

			// Labels → articles (many-to-many from the other side), with paging.
			ls, err := orm.FindMany[struct {
				label
				Articles []article `json:"articles"`
			}](ctx, c, labelModel, &orm.FindArgs{Strategy: s, Include: []orm.Include{{Relation: "articles", Args: &orm.FindArgs{OrderBy: byID, Take: 5}}}})
			require.NoError(t, err)
			require.Len(t, ls, 1)
			require.Equal(t, []string{"a1"}, articleTitles(ls[0].Articles))
		})
	}

	filters := []struct {
		name  string
		where orm.Where
		want  []string
	}{
		{"some matches only deleted", orm.Where{orm.SomeOf("articles", orm.StartsWith("title", "x"))}, []string{}},
		{"some", orm.Where{orm.SomeOf("articles")}, []string{"ann", "cat"}},
		{"none", orm.Where{orm.NoneOf("articles")}, []string{"ben"}},
		{"every ignores deleted", orm.Where{orm.EveryOf("articles", orm.StartsWith("title", "a"))}, []string{"ann", "ben"}},
		{"nested some", orm.Where{orm.SomeOf("articles", orm.SomeOf("notes", orm.Eq("body", "xn2")))}, []string{}},
		{"m2m some", orm.Where{orm.SomeOf("articles", orm.SomeOf("labels", orm.Eq("name", "xl2")))}, []string{}},
	}
	for _, f := range filters {
		t.Run(f.name, func(t *testing.T) {
			ws, err := orm.FindMany[writer](ctx, c, writerModel, &orm.FindArgs{Where: f.where, OrderBy: byID})
			require.NoError(t, err)
			require.Equal(t, f.want, append([]string{}, writerNames(ws)...))
			n, err := orm.Count(ctx, c, writerModel, &orm.CountArgs{Where: f.where})
			require.NoError(t, err)
			require.EqualValues(t, len(f.want), n, "count agrees with findMany")
		})
	}

	t.Run("is/isNot", func(t *testing.T) {
		ns, err := orm.FindMany[note](ctx, c, noteModel, &orm.FindArgs{Where: orm.Where{orm.IsRel("article", orm.Eq("title", "x2"))}})
		require.NoError(t, err)
		require.Empty(t, ns)
		ns, err = orm.FindMany[note](ctx, c, noteModel, &orm.FindArgs{Where: orm.Where{orm.RelIsNull("article")}})
		require.NoError(t, err)
		require.Equal(t, []string{"n3"}, noteBodies(ns), "a deleted related row counts as absent")
		ns, err = orm.FindMany[note](ctx, c, noteModel, &orm.FindArgs{Where: orm.Where{orm.IsNotRel("article", orm.Eq("title", "a1"))}, OrderBy: byID})
		require.NoError(t, err)
		require.Equal(t, []string{"n3"}, noteBodies(ns))
	})

	t.Run("orderBy _count", func(t *testing.T) {
		ws, err := orm.FindMany[writer](ctx, c, writerModel, &orm.FindArgs{OrderBy: []orm.Order{orm.ByCount("articles", true), orm.Asc("id")}})
		require.NoError(t, err)
		require.Equal(t, []string{"ann", "cat", "ben"}, writerNames(ws), "ben's three deleted articles do not count")
		ns, err := orm.FindMany[note](ctx, c, noteModel, &orm.FindArgs{OrderBy: []orm.Order{{Relation: "article", Field: "title", Nulls: orm.NullsFirst}}})
		require.NoError(t, err)
		require.Equal(t, []string{"n3", "n1"}, noteBodies(ns), "a deleted to-one row orders as null")
	})

	t.Run("aggregate and groupBy with relation filter", func(t *testing.T) {
		n, err := orm.Count(ctx, c, articleModel, &orm.CountArgs{Where: orm.Where{orm.SomeOf("notes")}})
		require.NoError(t, err)
		require.EqualValues(t, 1, n, "a1 only: x2's note is on a deleted article, xn2 is deleted")
	})

	// The plain client still sees everything.
	ws, err := orm.FindMany[writer](ctx, e.c, writerModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", 2)}, Include: []orm.Include{orm.Inc("articles")}})
	require.NoError(t, err)
	require.Len(t, ws[0].Articles, 3)
}

// Invariant: through a SoftDelete client, nested delete and deleteMany of
// a covered model set deletedAt and remove no row; already deleted rows
// are not found again.
func TestSoftDeleteNestedWrites(t *testing.T) {
	e := scopeEnv(t, softRows)
	ctx := context.Background()
	c := e.c.With(orm.SoftDelete("deletedAt"))
	rawArticles := func() int64 {
		n, err := orm.Count(ctx, e.c, articleModel, nil)
		require.NoError(t, err)
		return n
	}
	before := rawArticles()

	w, err := orm.Update[writer](ctx, c, writerModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 1)},
		Data: orm.Data{"articles": &orm.Nested{
			Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"notes": &orm.Nested{Delete: []orm.Where{{orm.Eq("id", 1)}}}}}},
			Delete: []orm.Where{{orm.Eq("id", 3)}},
		}},
		Include: []orm.Include{orm.Inc("articles", orm.Inc("notes"))},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"a1"}, articleTitles(w.Articles))
	require.Empty(t, w.Articles[0].Notes)
	require.Equal(t, before, rawArticles(), "no row was deleted")
	var a3Deleted, n1Deleted *time.Time
	require.NoError(t, e.c.Pool().QueryRow(ctx, `SELECT (SELECT "deletedAt" FROM "Article" WHERE id = 3), (SELECT "deletedAt" FROM "Note" WHERE id = 1)`).Scan(&a3Deleted, &n1Deleted))
	require.NotNil(t, a3Deleted)
	require.NotNil(t, n1Deleted)

	// Deleting a soft-deleted row again misses, and rolls back the whole update.
	_, err = orm.Update[writer](ctx, c, writerModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 1)},
		Data:  orm.Data{"name": "renamed", "articles": &orm.Nested{Delete: []orm.Where{{orm.Eq("id", 2)}}}},
	})
	require.True(t, orm.IsNotFound(err), "%v", err)

	// deleteMany soft-deletes every remaining linked row.
	w, err = orm.Update[writer](ctx, c, writerModel, &orm.UpdateArgs{
		Where:   orm.Where{orm.Eq("id", 1)},
		Data:    orm.Data{"articles": &orm.Nested{DeleteMany: []orm.Where{{}}}},
		Include: []orm.Include{orm.Inc("articles")},
	})
	require.NoError(t, err)
	require.Equal(t, "ann", w.Name)
	require.Empty(t, w.Articles)
	require.Equal(t, before, rawArticles(), "no row was deleted")
	var alive int
	require.NoError(t, e.c.Pool().QueryRow(ctx, `SELECT count(*) FROM "Article" WHERE "writerId" = 1 AND "deletedAt" IS NULL`).Scan(&alive))
	require.Zero(t, alive)

	// Many-to-many: the label is soft-deleted, its link kept.
	_, err = orm.Update[article](ctx, c, articleModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 2)}, Data: orm.Data{"labels": &orm.Nested{Delete: []orm.Where{{orm.Eq("id", 1)}}}},
	})
	require.True(t, orm.IsNotFound(err), "article 2 is deleted: %v", err)
	_, err = e.c.Pool().Exec(ctx, `UPDATE "Article" SET "deletedAt" = NULL WHERE id = 2`)
	require.NoError(t, err)
	_, err = orm.Update[article](ctx, c, articleModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 2)}, Data: orm.Data{"labels": &orm.Nested{Delete: []orm.Where{{orm.Eq("id", 1)}}}},
	})
	require.NoError(t, err)
	var labelDeleted bool
	var links int
	require.NoError(t, e.c.Pool().QueryRow(ctx, `SELECT (SELECT "deletedAt" IS NOT NULL FROM "Label" WHERE id = 1), (SELECT count(*) FROM "_ArticleToLabel")`).Scan(&labelDeleted, &links))
	require.True(t, labelDeleted)
	require.Equal(t, 3, links)
	_, err = e.c.Pool().Exec(ctx, `UPDATE "Article" SET "deletedAt" = now() WHERE id = 2`)
	require.NoError(t, err)

	// Without the extension, deleteMany deletes.
	_, err = orm.Update[writer](ctx, e.c, writerModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 1)},
		Data:  orm.Data{"articles": &orm.Nested{DeleteMany: []orm.Where{{orm.Eq("title", "x2")}}}},
	})
	require.True(t, orm.IsForeignKeyViolation(err), "x2 still has note n3: %v", err)
	n, err := orm.Update[writer](ctx, e.c, writerModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 3)},
		Data:  orm.Data{"articles": &orm.Nested{DeleteMany: []orm.Where{{orm.Eq("title", "c1")}}}},
	})
	require.NoError(t, err)
	require.Equal(t, "cat", n.Name)
	require.Equal(t, before-1, rawArticles())
}

const tenantRows = `
INSERT INTO "Writer" (id, name, "tenantId") VALUES (1, 'acme-w', 'acme'), (2, 'globex-w', 'globex');
INSERT INTO "Article" (id, title, "writerId", "tenantId") VALUES (1, 'acme-a', 1, 'acme'), (2, 'globex-on-acme', 1, 'globex'), (3, 'globex-a', 2, 'globex');
INSERT INTO "Note" (id, body, "articleId", "tenantId") VALUES (1, 'acme-n', 1, 'acme'), (2, 'globex-n', 1, 'globex'), (3, 'globex-n-on-globex', 2, 'globex');
INSERT INTO "Label" (id, name, "tenantId") VALUES (1, 'acme-l', 'acme'), (2, 'globex-l', 'globex');
INSERT INTO "_ArticleToLabel" VALUES (1, 1), (1, 2);
SELECT setval('"Writer_id_seq"', 10), setval('"Article_id_seq"', 10), setval('"Note_id_seq"', 10), setval('"Label_id_seq"', 10);
`

// Invariant: without row-level security, a Tenant client never reads,
// counts, filters by, links to or updates another tenant's rows through a
// relation, and rows its nested writes create belong to it.
func TestTenantScopesRelations(t *testing.T) {
	e := scopeEnv(t, tenantRows)
	ctx := context.Background()
	acme := e.c.With(orm.Tenant("tenantId", "acme"))
	globex := e.c.With(orm.Tenant("tenantId", "globex"))
	byID := []orm.Order{orm.Asc("id")}

	for _, s := range strategies() {
		t.Run(strategyName(s), func(t *testing.T) {
			ws, err := orm.FindMany[writer](ctx, acme, writerModel, &orm.FindArgs{Strategy: s,
				Include: []orm.Include{{Relation: "articles", Args: &orm.FindArgs{OrderBy: byID,
					Include: []orm.Include{orm.Inc("notes"), orm.Inc("labels")}, Count: []orm.CountOf{{Relation: "notes"}, {Relation: "labels"}}}}},
				Count: []orm.CountOf{{Relation: "articles"}}})
			require.NoError(t, err)
			require.Len(t, ws, 1)
			require.Equal(t, []string{"acme-a"}, articleTitles(ws[0].Articles))
			require.EqualValues(t, 1, ws[0].Count.Articles)
			a := ws[0].Articles[0]
			require.Equal(t, []string{"acme-n"}, noteBodies(a.Notes))
			require.Len(t, a.Labels, 1)
			require.Equal(t, "acme-l", a.Labels[0].Name)
			require.EqualValues(t, 1, a.Count.Notes)
			require.EqualValues(t, 1, a.Count.Labels)

			// globex's article on acme's writer: the writer is not globex's.
			as, err := orm.FindMany[article](ctx, globex, articleModel, &orm.FindArgs{Strategy: s, OrderBy: byID, Include: []orm.Include{orm.Inc("writer"), orm.Inc("notes")}})
			require.NoError(t, err)
			require.Equal(t, []string{"globex-on-acme", "globex-a"}, articleTitles(as))
			require.Nil(t, as[0].Writer, "acme's writer is invisible to globex")
			require.Equal(t, []string{"globex-n-on-globex"}, noteBodies(as[0].Notes))
			require.Equal(t, "globex-w", as[1].Writer.Name)
		})
	}

	ws, err := orm.FindMany[writer](ctx, acme, writerModel, &orm.FindArgs{Where: orm.Where{orm.SomeOf("articles", orm.StartsWith("title", "globex"))}})
	require.NoError(t, err)
	require.Empty(t, ws, "a relation filter cannot probe another tenant's rows")
	ws, err = orm.FindMany[writer](ctx, acme, writerModel, &orm.FindArgs{Where: orm.Where{orm.EveryOf("articles", orm.StartsWith("title", "acme"))}})
	require.NoError(t, err)
	require.Len(t, ws, 1)
	n, err := orm.Count(ctx, acme, articleModel, &orm.CountArgs{Where: orm.Where{orm.SomeOf("notes", orm.Eq("body", "globex-n"))}})
	require.NoError(t, err)
	require.Zero(t, n)

	// Nested writes: another tenant's rows cannot be updated, deleted or
	// connected; created rows get the tenant.
	for name, nw := range map[string]*orm.Nested{
		"update":  {Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 2)}, Data: orm.Data{"title": "stolen"}}}},
		"delete":  {Delete: []orm.Where{{orm.Eq("id", 2)}}},
		"connect": {Connect: []orm.Where{{orm.Eq("id", 3)}}},
	} {
		_, err := orm.Update[writer](ctx, acme, writerModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"articles": nw}})
		require.True(t, orm.IsNotFound(err), "%s: %v", name, err)
	}
	w, err := orm.Update[writer](ctx, acme, writerModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)},
		Data: orm.Data{"articles": &orm.Nested{
			Create:     []orm.Data{{"title": "acme-b", "notes": &orm.Nested{Create: []orm.Data{{"body": "acme-bn"}}}}},
			DeleteMany: []orm.Where{{orm.StartsWith("title", "globex")}},
		}},
		Include: []orm.Include{{Relation: "articles", Args: &orm.FindArgs{OrderBy: byID, Include: []orm.Include{orm.Inc("notes")}}}}})
	require.NoError(t, err)
	require.Equal(t, []string{"acme-a", "acme-b"}, articleTitles(w.Articles))
	require.Equal(t, "acme", w.Articles[1].TenantID)
	require.Equal(t, "acme", w.Articles[1].Notes[0].TenantID)
	var globexTitles []string
	rows, err := e.c.Pool().Query(ctx, `SELECT title FROM "Article" WHERE "tenantId" = 'globex' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		globexTitles = append(globexTitles, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"globex-on-acme", "globex-a"}, globexTitles, "globex's rows are untouched")
}

// Invariant: nested writes below a nested update run in the same
// transaction; a failure at the deepest level leaves no trace at any level.
func TestNestedWritesBelowNestedUpdate(t *testing.T) {
	e := scopeEnv(t, softRows)
	ctx := context.Background()
	byID := []orm.Order{orm.Asc("id")}
	snapshot := func() string {
		var s string
		require.NoError(t, e.c.Pool().QueryRow(ctx, `SELECT concat_ws('|',
			(SELECT string_agg(name, ',' ORDER BY id) FROM "Writer"),
			(SELECT string_agg(title, ',' ORDER BY id) FROM "Article"),
			(SELECT string_agg(body || ':' || "articleId", ',' ORDER BY id) FROM "Note"))`).Scan(&s))
		return s
	}

	w, err := orm.Update[writer](ctx, e.c, writerModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", 1)},
		Data: orm.Data{"name": "ann2", "articles": &orm.Nested{Update: []orm.NestedUpdate{{
			Where: orm.Where{orm.Eq("id", 1)},
			Data: orm.Data{"title": "a1-edited", "notes": &orm.Nested{
				Create: []orm.Data{{"body": "deep"}},
				Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"body": "n1-edited"}}},
			}},
		}}}},
		Include: []orm.Include{{Relation: "articles", Args: &orm.FindArgs{OrderBy: byID, Include: []orm.Include{{Relation: "notes", Args: &orm.FindArgs{OrderBy: byID}}}}}},
	})
	require.NoError(t, err)
	require.Equal(t, "ann2", w.Name)
	require.Equal(t, "a1-edited", w.Articles[0].Title)
	require.Equal(t, []string{"n1-edited", "xn2", "deep"}, noteBodies(w.Articles[0].Notes))

	before := snapshot()
	for name, deepest := range map[string]*orm.Nested{
		"update of an unlinked row": {Create: []orm.Data{{"body": "lost"}}, Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 3)}, Data: orm.Data{"body": "stolen"}}}},
		"create violating a constraint": {Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"body": "lost"}}},
			Create: []orm.Data{{"body": nil}}},
		"delete of a missing row": {Create: []orm.Data{{"body": "lost"}}, Delete: []orm.Where{{orm.Eq("id", 99)}}},
	} {
		_, err := orm.Update[writer](ctx, e.c, writerModel, &orm.UpdateArgs{
			Where: orm.Where{orm.Eq("id", 1)},
			Data: orm.Data{"name": "lost", "articles": &orm.Nested{
				Create: []orm.Data{{"title": "lost"}},
				Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"title": "lost", "notes": deepest}}},
			}},
		})
		require.Error(t, err, name)
		require.Equal(t, before, snapshot(), "%s: nothing changed at any level", name)
	}
}
