// Package cases_test runs the generated edge-case clients against real
// PostgreSQL, with each schema applied by the migration engine.
package cases_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/gen/internal/cases/collisions"
	"github.com/polystore/polystore/postgres/gen/internal/cases/compositeid"
	"github.com/polystore/polystore/postgres/gen/internal/cases/enums"
	"github.com/polystore/polystore/postgres/gen/internal/cases/keywords"
	"github.com/polystore/polystore/postgres/gen/internal/cases/mapped"
	"github.com/polystore/polystore/postgres/gen/internal/cases/selfrel"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/psl"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// open applies the case's schema to a fresh database and returns an orm client.
func open(t *testing.T, name string) *orm.Client {
	t.Helper()
	pool := devenv.Postgres(t)
	apply(t, pool, name)
	return orm.NewWithPool(pool, nil)
}

// applied applies the case's schema to a fresh database and returns its
// URL, for the generated Open (which registers the enum types).
func applied(t *testing.T, name string) string {
	t.Helper()
	url := devenv.PostgresURL(t)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	apply(t, pool, name)
	return url
}

func apply(t *testing.T, pool *pgxpool.Pool, name string) {
	t.Helper()
	s, err := psl.LoadFile(filepath.Join(name, "schema.prisma"))
	require.NoError(t, err)
	require.NoError(t, migrate.Apply(context.Background(), pool, migrate.Diff(nil, migrate.FromSchema(s)), nil))
}

func TestKeywords(t *testing.T) {
	c := keywords.New(open(t, "keywords"))
	ctx := context.Background()
	// clock-free: a stored value that only round-trips.
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	raw := json.RawMessage(`{"a": [1, 2]}`)
	ty, err := c.Type.Create(ctx, &keywords.TypeCreateArgs{Data: []keywords.TypeSet{
		keywords.TypeFields.Func.Set(1), keywords.TypeFields.Range.Set("r"), keywords.TypeFields.String.Set("s"),
		keywords.TypeFields.Time.Set(at), keywords.TypeFields.Map.Set(raw),
		keywords.TypeFields.Items.Create([]keywords.SelectSet{keywords.SelectFields.Chan.Set("c1")}, []keywords.SelectSet{keywords.SelectFields.Chan.Set("c2")}),
	}})
	require.NoError(t, err)
	require.False(t, ty.Default)
	require.JSONEq(t, string(raw), string(*ty.Map))

	got, err := c.Type.FindUniqueOrThrow(ctx, keywords.TypeByStringTime("s", at), &keywords.TypeFindArgs{
		Include: []keywords.TypeInclude{keywords.TypeFields.Items.Include(&keywords.SelectFindArgs{
			OrderBy: []keywords.SelectOrder{keywords.SelectFields.Chan.Desc()}})},
		Count: []keywords.TypeCountOf{keywords.TypeFields.Items.Count()},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"c2", "c1"}, []string{got.Items[0].Chan, got.Items[1].Chan})
	require.Equal(t, int64(2), got.RelationCount.Items, "the _count field is renamed because of the count field")
	require.Equal(t, 0, got.Count)

	_, err = c.Type.Update(ctx, &keywords.TypeUpdateArgs{Where: keywords.TypeByFunc(1), Data: []keywords.TypeSet{keywords.TypeFields.Count.Increment(3)}})
	require.NoError(t, err)
	n, err := c.Type.Count(ctx, &keywords.TypeCountArgs{Where: []keywords.TypeCond{keywords.TypeFields.Count.Equals(3), keywords.TypeFields.Map.IsNotNull()}})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	counts, err := c.Type.CountSelect(ctx, nil, keywords.TypeFields.Map)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"_all": n, "map": 1}, counts)

	tr, err := c.Transaction_.Create(ctx, &keywords.TransactionCreateArgs{Data: []keywords.TransactionSet{keywords.TransactionFields.Go.Set("go")}})
	require.NoError(t, err)
	err = c.Transaction(ctx, func(ctx context.Context, tx *keywords.Client) error {
		_, err := tx.Transaction_.Delete(ctx, &keywords.TransactionDeleteArgs{Where: keywords.TransactionByID(tr.ID)})
		return err
	}, nil)
	require.NoError(t, err)
}

func TestSelfRelations(t *testing.T) {
	c := selfrel.New(open(t, "selfrel"))
	ctx := context.Background()
	root, err := c.Node.Create(ctx, &selfrel.NodeCreateArgs{Data: []selfrel.NodeSet{
		selfrel.NodeFields.Label.Set("root"),
		selfrel.NodeFields.Children.Create([]selfrel.NodeSet{selfrel.NodeFields.Label.Set("a")}, []selfrel.NodeSet{selfrel.NodeFields.Label.Set("b")}),
	}})
	require.NoError(t, err)
	a, err := c.Node.FindFirstOrThrow(ctx, &selfrel.NodeFindArgs{Where: []selfrel.NodeCond{selfrel.NodeFields.Label.Equals("a")},
		Include: []selfrel.NodeInclude{selfrel.NodeFields.Parent.Include(nil)}})
	require.NoError(t, err)
	require.Equal(t, "root", a.Parent.Label)

	// a follows root and b; root's followers are a.
	_, err = c.Node.Update(ctx, &selfrel.NodeUpdateArgs{Where: selfrel.NodeByID(a.ID), Data: []selfrel.NodeSet{
		selfrel.NodeFields.Following.Connect(selfrel.NodeByID(root.ID)),
		selfrel.NodeFields.Following.ConnectOrCreate(selfrel.NodeByID(-1), selfrel.NodeFields.Label.Set("c")),
		selfrel.NodeFields.Next.Connect(selfrel.NodeByID(root.ID)),
	}})
	require.NoError(t, err)
	for _, st := range []orm.Strategy{orm.StrategyQuery, orm.StrategyJoin} {
		r, err := c.Node.FindUniqueOrThrow(ctx, selfrel.NodeByID(root.ID), &selfrel.NodeFindArgs{Strategy: st,
			Include: []selfrel.NodeInclude{
				selfrel.NodeFields.FollowedBy.Include(nil), selfrel.NodeFields.Following.Include(nil),
				selfrel.NodeFields.Previous.Include(nil),
				selfrel.NodeFields.Children.Include(&selfrel.NodeFindArgs{OrderBy: []selfrel.NodeOrder{selfrel.NodeFields.Label.Asc()}}),
			},
			Count: []selfrel.NodeCountOf{selfrel.NodeFields.Children.Count(), selfrel.NodeFields.FollowedBy.Count()},
		})
		require.NoError(t, err)
		require.Len(t, r.FollowedBy, 1)
		require.Equal(t, "a", r.FollowedBy[0].Label)
		require.Empty(t, r.Following)
		require.Equal(t, "a", r.Previous.Label, "the 1:1 back side")
		require.Equal(t, []string{"a", "b"}, []string{r.Children[0].Label, r.Children[1].Label})
		require.Equal(t, int64(2), r.Count.Children)
		require.Equal(t, int64(1), r.Count.FollowedBy)
	}
	roots, err := c.Node.FindMany(ctx, &selfrel.NodeFindArgs{Where: []selfrel.NodeCond{selfrel.NodeFields.Parent.IsNull(),
		selfrel.NodeFields.Children.Some(), selfrel.NodeFields.FollowedBy.Some()}})
	require.NoError(t, err)
	require.Len(t, roots, 1)
	require.Equal(t, root.ID, roots[0].ID)
}

func TestCompositeIDs(t *testing.T) {
	c := compositeid.New(open(t, "compositeid"))
	ctx := context.Background()
	gift, err := c.Gift.Create(ctx, &compositeid.GiftCreateArgs{})
	require.NoError(t, err)
	qty := typed.MustNumeric
	o, err := c.Order.Create(ctx, &compositeid.OrderCreateArgs{Data: []compositeid.OrderSet{
		compositeid.OrderFields.Tenant.Set("t1"), compositeid.OrderFields.Number.Set(7),
		compositeid.OrderFields.Lines.Create(
			[]compositeid.OrderLineSet{compositeid.OrderLineFields.Position.Set(1), compositeid.OrderLineFields.Sku.Set("A"),
				compositeid.OrderLineFields.Qty.Set(qty("1.250")), compositeid.OrderLineFields.Gift.Connect(compositeid.GiftByID(gift.ID))},
			[]compositeid.OrderLineSet{compositeid.OrderLineFields.Position.Set(2), compositeid.OrderLineFields.Sku.Set("B"),
				compositeid.OrderLineFields.Qty.Set(qty("2"))},
		),
	}})
	require.NoError(t, err)
	// Composite relation keys load with the join strategy.
	o, err = c.Order.FindUniqueOrThrow(ctx, compositeid.OrderByTenantNumber(o.Tenant, o.Number), &compositeid.OrderFindArgs{
		Strategy: orm.StrategyJoin, Include: []compositeid.OrderInclude{compositeid.OrderFields.Lines.Include(nil)}})
	require.NoError(t, err)
	require.Len(t, o.Lines, 2)

	line, err := c.OrderLine.FindUniqueOrThrow(ctx, compositeid.OrderLineByLineKey("t1", 7, 1), &compositeid.OrderLineFindArgs{
		Strategy: orm.StrategyJoin,
		Include:  []compositeid.OrderLineInclude{compositeid.OrderLineFields.Order.Include(nil), compositeid.OrderLineFields.Gift.Include(nil)}})
	require.NoError(t, err)
	require.Equal(t, 7, line.Order.Number)
	require.Equal(t, gift.ID, line.Gift.ID)
	require.Equal(t, "1.250", typed.NumericString(line.Qty), "exact, with the column's scale")

	line, err = c.OrderLine.Update(ctx, &compositeid.OrderLineUpdateArgs{Where: compositeid.OrderLineByTenantSku("t1", "A"),
		Data: []compositeid.OrderLineSet{compositeid.OrderLineFields.Gift.Disconnect(), compositeid.OrderLineFields.Qty.Increment(qty("0.5"))}})
	require.NoError(t, err)
	require.Nil(t, line.GiftOf)
	require.Equal(t, "1.750", typed.NumericString(line.Qty))

	_, err = c.Order.Create(ctx, &compositeid.OrderCreateArgs{Data: []compositeid.OrderSet{
		compositeid.OrderFields.Tenant.Set("t1"), compositeid.OrderFields.Number.Set(7)}})
	require.True(t, orm.IsUniqueViolation(err), "composite primary key: %v", err)
	orders, err := c.Order.FindMany(ctx, &compositeid.OrderFindArgs{Where: []compositeid.OrderCond{
		compositeid.OrderFields.Lines.Every(compositeid.OrderLineFields.GiftOf.IsNull())}})
	require.NoError(t, err)
	require.Len(t, orders, 1)
}

// TestModelWithoutID runs a model that has no @id, only @@unique: it is
// part of the client, identified by its compound unique, and reached from
// its parent's relation.
func TestModelWithoutID(t *testing.T) {
	c := compositeid.New(open(t, "compositeid"))
	ctx := context.Background()
	gift, err := c.Gift.Create(ctx, &compositeid.GiftCreateArgs{Data: []compositeid.GiftSet{
		compositeid.GiftFields.Notes.Create(
			[]compositeid.GiftNoteSet{compositeid.GiftNoteFields.Lang.Set("en"), compositeid.GiftNoteFields.Text.Set("hi")},
			[]compositeid.GiftNoteSet{compositeid.GiftNoteFields.Lang.Set("fr"), compositeid.GiftNoteFields.Text.Set("salut")},
		),
	}})
	require.NoError(t, err)
	require.Equal(t, []string{"giftId", "lang"}, compositeid.GiftNoteModel.PrimaryKey)

	note, err := c.GiftNote.Update(ctx, &compositeid.GiftNoteUpdateArgs{Where: compositeid.GiftNoteByGiftIDLang(gift.ID, "fr"),
		Data: []compositeid.GiftNoteSet{compositeid.GiftNoteFields.Text.Set("bonjour")}})
	require.NoError(t, err)
	require.Equal(t, "bonjour", note.Text)
	note, err = c.GiftNote.Upsert(ctx, &compositeid.GiftNoteUpsertArgs{Where: compositeid.GiftNoteByGiftIDLang(gift.ID, "de"),
		Create: []compositeid.GiftNoteSet{compositeid.GiftNoteFields.GiftID.Set(gift.ID), compositeid.GiftNoteFields.Lang.Set("de"), compositeid.GiftNoteFields.Text.Set("hallo")},
		Update: []compositeid.GiftNoteSet{compositeid.GiftNoteFields.Text.Set("x")}})
	require.NoError(t, err)
	require.Equal(t, "hallo", note.Text)

	page, err := c.GiftNote.FindMany(ctx, &compositeid.GiftNoteFindArgs{Cursor: compositeid.GiftNoteByGiftIDLang(gift.ID, "en"), Skip: 1,
		OrderBy: []compositeid.GiftNoteOrder{compositeid.GiftNoteFields.Lang.Asc()}})
	require.NoError(t, err)
	require.Equal(t, []string{"fr"}, []string{page[0].Lang}, "after en in lang order: fr only (de sorts first)")

	got, err := c.Gift.FindUniqueOrThrow(ctx, compositeid.GiftByID(gift.ID), &compositeid.GiftFindArgs{
		Include: []compositeid.GiftInclude{compositeid.GiftFields.Notes.Include(&compositeid.GiftNoteFindArgs{OrderBy: []compositeid.GiftNoteOrder{compositeid.GiftNoteFields.Lang.Desc()}})},
		Count:   []compositeid.GiftCountOf{compositeid.GiftFields.Notes.Count()},
	})
	require.NoError(t, err)
	require.Equal(t, int64(3), got.Count.Notes)
	require.Equal(t, "fr", got.Notes[0].Lang)

	_, err = c.Gift.Update(ctx, &compositeid.GiftUpdateArgs{Where: compositeid.GiftByID(gift.ID), Data: []compositeid.GiftSet{
		compositeid.GiftFields.Notes.Delete(compositeid.GiftNoteByGiftIDLang(gift.ID, "de"))}})
	require.NoError(t, err)
	_, err = c.GiftNote.Delete(ctx, &compositeid.GiftNoteDeleteArgs{Where: compositeid.GiftNoteByGiftIDLang(gift.ID, "de")})
	require.True(t, orm.IsNotFound(err), "the nested delete removed it: %v", err)
	n, err := c.GiftNote.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
}

func TestEnumsWithOddValues(t *testing.T) {
	// Open registers the enum types (lists of enums scan into []Status).
	ctx := context.Background()
	c, err := enums.Open(ctx, applied(t, "enums"))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	task, err := c.Task.Create(ctx, &enums.TaskCreateArgs{Data: []enums.TaskSet{
		enums.TaskFields.UUID.Set("5b7c5f3e-0d0a-4d55-8f59-3c1b1a7e9f10"),
		enums.TaskFields.Tags.Set(enums.StatusInProgress, enums.StatusHTTPError),
		enums.TaskFields.Data.Set([]byte{0, 1, 2}),
	}})
	require.NoError(t, err)
	require.Equal(t, enums.StatusActive, task.Status, "the default is the database value")
	require.Equal(t, []enums.Status{"in-progress", "HTTP error"}, task.Tags)
	require.Equal(t, []byte{0, 1, 2}, *task.Data)
	require.Nil(t, task.Prev)

	task, err = c.Task.Update(ctx, &enums.TaskUpdateArgs{Where: enums.TaskByUUID("5b7c5f3e-0d0a-4d55-8f59-3c1b1a7e9f10"),
		Data: []enums.TaskSet{enums.TaskFields.Prev.Set(enums.StatusDoneOk), enums.TaskFields.Status.Set(enums.StatusDefault)}})
	require.NoError(t, err)
	require.Equal(t, enums.StatusDoneOk, *task.Prev)
	for _, where := range [][]enums.TaskCond{
		{enums.TaskFields.Status.In(enums.StatusDefault, enums.StatusActive)},
		{enums.TaskFields.Tags.Has(enums.StatusHTTPError)},
		{enums.TaskFields.Prev.Equals(enums.StatusDoneOk)},
		{typed.Not(enums.TaskFields.Status.Equals(enums.StatusInProgress))},
	} {
		n, err := c.Task.Count(ctx, &enums.TaskCountArgs{Where: where})
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
	}
	second, err := c.Task.Create(ctx, &enums.TaskCreateArgs{})
	require.NoError(t, err, "uuid() is generated by the client")
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, second.UUID)
	require.Len(t, enums.StatusValues(), 5)
}

func TestMappedNames(t *testing.T) {
	oc := open(t, "mapped")
	c := mapped.New(oc)
	ctx := context.Background()
	u, err := c.UserAccount.Create(ctx, &mapped.UserAccountCreateArgs{Data: []mapped.UserAccountSet{
		mapped.UserAccountFields.EmailAddr.Set("a@example.com"), mapped.UserAccountFields.APIKey.Set("k"),
		mapped.UserAccountFields.HTTPUrls.Set("https://a", "https://b"),
		mapped.UserAccountFields.Posts.Create([]mapped.BlogPostSet{}),
	}})
	require.NoError(t, err)
	_, err = c.UserAccount.Create(ctx, &mapped.UserAccountCreateArgs{Data: []mapped.UserAccountSet{
		mapped.UserAccountFields.EmailAddr.Set("a@example.com")}})
	e, ok := orm.AsError(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, orm.CodeUniqueViolation, e.Code)
	require.Equal(t, []string{"email_addr"}, e.Target, "the mapped constraint name leads back to the field")

	_, err = c.BlogPost.Create(ctx, &mapped.BlogPostCreateArgs{Data: []mapped.BlogPostSet{mapped.BlogPostFields.OwnerID.Set(u.UserID + 100)}})
	require.True(t, orm.IsForeignKeyViolation(err), "%v", err)

	rows, err := orm.QueryRaw[struct {
		UID   int    `db:"uid"`
		Email string `db:"email"`
		Key   string `db:"apiKey"`
		Posts int64  `db:"posts"`
	}](ctx, oc, orm.SQL(`SELECT a.uid, a.email, a."apiKey", (SELECT count(*) FROM posts p WHERE p.owner = a.uid) AS posts FROM accounts a`))
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Equal(t, u.UserID, rows[0].UID)
	require.Equal(t, "k", rows[0].Key)
	require.Equal(t, int64(1), rows[0].Posts)

	got, err := c.UserAccount.FindUniqueOrThrow(ctx, mapped.UserAccountByEmailAddr("a@example.com"), &mapped.UserAccountFindArgs{
		Include: []mapped.UserAccountInclude{mapped.UserAccountFields.Posts.Include(&mapped.BlogPostFindArgs{
			Include: []mapped.BlogPostInclude{mapped.BlogPostFields.Owner.Include(nil)}})}})
	require.NoError(t, err)
	require.Len(t, got.Posts, 1)
	require.Equal(t, "a@example.com", got.Posts[0].Owner.EmailAddr)
	require.Equal(t, []string{"https://a", "https://b"}, got.HTTPUrls)
}

// TestNameCollisions runs the client of a schema whose model and enum
// names the generated code also spells (Client, Step, Schema, Kind's value
// Values, Customer/CustomerGroup, Work/WorkOrder/WorkModel): the names
// that lose take an underscore and every operation works.
func TestNameCollisions(t *testing.T) {
	ctx := context.Background()
	c, err := collisions.Open(ctx, applied(t, "collisions"))
	require.NoError(t, err)
	t.Cleanup(c.Close)

	cl, err := c.Client.Create(ctx, &collisions.Client_CreateArgs{Data: []collisions.Client_Set{collisions.Client_Fields.Name.Set("acme")}})
	require.NoError(t, err)
	w, err := c.Work.Create(ctx, &collisions.WorkCreateArgs{Data: []collisions.WorkSet{
		collisions.WorkFields.Title.Set("roof"),
		collisions.WorkFields.State.Set(collisions.Schema_Live),
		collisions.WorkFields.Model.Create(collisions.WorkModelFields.Name.Set("m1")),
		collisions.WorkFields.Steps.Create([]collisions.Step_Set{collisions.Step_Fields.Kind.Set(collisions.KindValues)}, nil),
		collisions.WorkFields.Orders.Create([]collisions.WorkOrderSet{collisions.WorkOrderFields.Client.Connect(collisions.Client_ByName("acme"))}),
	}})
	require.NoError(t, err)
	require.Equal(t, collisions.Schema_Live, w.State)

	got, err := c.Work.FindUniqueOrThrow(ctx, collisions.WorkByID(w.ID), &collisions.WorkFindArgs{
		Include: []collisions.WorkInclude{
			collisions.WorkFields.Steps.Include(&collisions.Step_FindArgs{OrderBy: []collisions.Step_Order{collisions.Step_Fields.ID.Asc()}}),
			collisions.WorkFields.Model.Include(nil),
		},
		Count: []collisions.WorkCountOf{collisions.WorkFields.Orders.Count()},
	})
	require.NoError(t, err)
	require.Equal(t, []collisions.Kind{collisions.KindValues, collisions.KindType}, []collisions.Kind{got.Steps[0].Kind, got.Steps[1].Kind},
		"the constant KindValues is the value; the list of values is KindValues_")
	require.Equal(t, []collisions.Kind{collisions.KindType, collisions.KindDefault, collisions.KindValues}, collisions.KindValues_())
	require.Equal(t, "m1", got.Model.Name)
	require.Equal(t, int64(1), got.Count.Orders)

	// WorkOrder_ orders Works; WorkOrder is the model.
	works, err := c.Work.FindMany(ctx, &collisions.WorkFindArgs{OrderBy: []collisions.WorkOrder_{collisions.WorkFields.Orders.CountDesc()}})
	require.NoError(t, err)
	require.Len(t, works, 1)
	wo, err := c.WorkOrder.FindFirstOrThrow(ctx, &collisions.WorkOrderFindArgs{
		Where:   []collisions.WorkOrderCond{collisions.WorkOrderFields.Client.Is(collisions.Client_Fields.ID.Equals(cl.ID))},
		Include: []collisions.WorkOrderInclude{collisions.WorkOrderFields.Work.Include(nil)},
	})
	require.NoError(t, err)
	require.Equal(t, "roof", wo.Work.Title)
	require.Equal(t, "Work", collisions.WorkModel_.Name)
	require.Equal(t, "WorkModel", collisions.WorkModelModel.Name)

	// Customer's GroupOrder is CustomerGroupOrder_; CustomerGroupOrder orders groups.
	_, err = c.Customer.Create(ctx, &collisions.CustomerCreateArgs{Data: []collisions.CustomerSet{
		collisions.CustomerFields.Email.Set("a@example.com"),
		collisions.CustomerFields.Group.Create(collisions.CustomerGroupFields.Name.Set("gold")),
	}})
	require.NoError(t, err)
	groups, err := c.Customer.GroupBy(ctx, &collisions.CustomerGroupByArgs{
		By: []collisions.CustomerField{collisions.CustomerFields.GroupID}, Count: true,
		OrderBy: []collisions.CustomerGroupOrder_{{Field: collisions.CustomerFields.GroupID}},
	})
	require.NoError(t, err)
	require.Len(t, groups, 1)
	cgs, err := c.CustomerGroup.FindMany(ctx, &collisions.CustomerGroupFindArgs{OrderBy: []collisions.CustomerGroupOrder{collisions.CustomerGroupFields.Name.Asc()}})
	require.NoError(t, err)
	require.Equal(t, "gold", cgs[0].Name)

	err = c.Transaction(ctx, func(ctx context.Context, tx *collisions.Client) error {
		_, err := tx.Client.Delete(ctx, &collisions.Client_DeleteArgs{Where: collisions.Client_ByID(cl.ID)})
		return err
	}, nil)
	require.True(t, orm.IsForeignKeyViolation(err), "the work order still points at the client: %v", err)
}
