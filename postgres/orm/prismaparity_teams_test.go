package orm_test

import (
	"context"
	"errors"
	"time"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/shopspring/decimal"
)

// Teams of testdata/prisma/schema.prisma: members (an enum list, DateTime
// columns of each native type; their foreign key cascades), badges (set
// null) and notes (restrict).
var (
	roleValues = []string{"ADMIN", "EDITOR", "VIEWER"}
	pTeamModel = &orm.Model{
		Name: "Team",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "name", Type: orm.String},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "Team_name_key", Fields: []string{"name"}}},
		Relations: []*orm.Relation{
			{Name: "members", Kind: orm.OneToMany, Model: "Member", Inverse: "team"},
			{Name: "badges", Kind: orm.OneToMany, Model: "Badge", Inverse: "team"},
			{Name: "notes", Kind: orm.OneToMany, Model: "Note", Inverse: "team"},
		},
	}
	pMemberModel = &orm.Model{
		Name: "Member",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "name", Type: orm.String},
			{Name: "roles", Type: orm.Enum, EnumName: "Role", EnumValues: roleValues, List: true},
			{Name: "teamId", Type: orm.Int},
			{Name: "seenAt", Type: orm.DateTime, Nullable: true, DBType: "timestamptz(6)"},
			{Name: "stamp", Type: orm.DateTime, Nullable: true, DBType: "timestamp(6)"},
			{Name: "day", Type: orm.DateTime, Nullable: true, DBType: "date"},
			{Name: "at", Type: orm.DateTime, Nullable: true, DBType: "time(6)"},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "team", Kind: orm.ManyToOne, Model: "Team", Fields: []string{"teamId"}, References: []string{"id"}, ForeignKey: "Member_teamId_fkey"},
		},
	}
	pBadgeModel = &orm.Model{
		Name: "Badge",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "label", Type: orm.String},
			{Name: "teamId", Type: orm.Int, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "team", Kind: orm.ManyToOne, Model: "Team", Fields: []string{"teamId"}, References: []string{"id"}, ForeignKey: "Badge_teamId_fkey"},
		},
	}
	pNoteModel = &orm.Model{
		Name: "Note",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "body", Type: orm.String},
			{Name: "teamId", Type: orm.Int},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "team", Kind: orm.ManyToOne, Model: "Team", Fields: []string{"teamId"}, References: []string{"id"}, ForeignKey: "Note_teamId_fkey"},
		},
	}
	_ = mustSchema(pTeamModel, pMemberModel, pBadgeModel, pNoteModel)
)

type pTeam struct {
	ID      int       `json:"id"`
	Name    string    `json:"name"`
	Members []pMember `json:"members"`
	Badges  []pBadge  `json:"badges"`
	Notes   []pNote   `json:"notes"`
	Count   *struct {
		Members int64 `json:"members"`
		Badges  int64 `json:"badges"`
		Notes   int64 `json:"notes"`
	} `json:"_count,omitempty"`
}

type pMember struct {
	ID     int        `json:"id"`
	Name   string     `json:"name"`
	Roles  []string   `json:"roles"`
	TeamID int        `json:"teamId"`
	SeenAt *time.Time `json:"seenAt"`
	Stamp  *time.Time `json:"stamp"`
	Day    *time.Time `json:"day"`
	At     *time.Time `json:"at"`
	Team   *pTeam     `json:"team"`
}

type pBadge struct {
	ID     int    `json:"id"`
	Label  string `json:"label"`
	TeamID *int   `json:"teamId"`
	Team   *pTeam `json:"team"`
}

type pNote struct {
	ID     int    `json:"id"`
	Body   string `json:"body"`
	TeamID int    `json:"teamId"`
	Team   *pTeam `json:"team"`
}

func updMember(ctx context.Context, db orm.DB, member int, data orm.Data, fields ...string) (any, error) {
	return orm.Update[pMember](ctx, db, pMemberModel, &orm.UpdateArgs{Where: id(member), Data: data, Select: sel(fields...)})
}

func updTeam(ctx context.Context, db orm.DB, team int, data orm.Data, inc ...orm.Include) (any, error) {
	return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(team), Data: data, Include: inc})
}

func shelfKey(area string, slot int) orm.Where {
	return orm.Where{orm.Eq("area", area), orm.Eq("slot", slot)}
}

// errBoom is what itx_throw_rollback's function throws.
var errBoom = errors.New("boom")

var _ = addParityOps(map[string]parityOp{
	"el_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pMember](ctx, db, pMemberModel, &orm.CreateArgs{Data: orm.Data{"name": "m9", "teamId": 1, "roles": []string{"EDITOR", "EDITOR"}}, Select: sel("id", "roles")})
	},
	"el_update_set": func(ctx context.Context, db orm.DB) (any, error) {
		return updMember(ctx, db, 1, orm.Data{"roles": orm.Set([]string{"VIEWER"})}, "roles")
	},
	"el_update_push": func(ctx context.Context, db orm.DB) (any, error) {
		return updMember(ctx, db, 1, orm.Data{"roles": orm.Push("VIEWER")}, "roles")
	},
	"el_update_push_many": func(ctx context.Context, db orm.DB) (any, error) {
		return updMember(ctx, db, 4, orm.Data{"roles": orm.Push([]string{"ADMIN", "VIEWER"})}, "roles")
	},
	"el_update_push_null": func(ctx context.Context, db orm.DB) (any, error) {
		return updMember(ctx, db, 3, orm.Data{"roles": orm.Push("ADMIN")}, "roles")
	},
	"el_update_bad": func(ctx context.Context, db orm.DB) (any, error) {
		return updMember(ctx, db, 1, orm.Data{"roles": orm.Push("BOSS")}, "roles")
	},
	"dt_create": func(ctx context.Context, db orm.DB) (any, error) {
		at := time.Date(2022, 2, 2, 2, 2, 2, 999e6, time.UTC)
		return orm.Create[pMember](ctx, db, pMemberModel, &orm.CreateArgs{Data: orm.Data{"name": "m9", "teamId": 1,
			"seenAt": at, "stamp": at, "day": at.Add(20 * time.Hour), "at": at}, Select: sel("seenAt", "stamp", "day", "at")})
	},
	"dt_aggregate": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pMemberModel, &orm.AggregateArgs{Min: sel("day", "at", "stamp"), Max: sel("day", "at", "seenAt")})
		if err != nil {
			return nil, err
		}
		return map[string]any{"_min": r.Min, "_max": r.Max}, nil
	},
	"ra_delete_cascade": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pTeam](ctx, db, pTeamModel, &orm.DeleteArgs{Where: id(1)})
	},
	"ra_delete_setnull": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pTeam](ctx, db, pTeamModel, &orm.DeleteArgs{Where: id(1)})
	},
	"ra_delete_restrict": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pTeam](ctx, db, pTeamModel, &orm.DeleteArgs{Where: id(2)})
	},
	"ra_deletemany_restrict": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pTeamModel, &orm.DeleteArgs{Where: orm.Where{orm.In("id", []int{2, 3})}}))
	},
	"ra_deletemany_cascade": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pTeamModel, &orm.DeleteArgs{Where: orm.Where{orm.In("id", []int{1, 3})}}))
	},
	"ra_update_id_cascade": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"id": 21})
	},
	"ra_update_id_setnull": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"id": 21})
	},
	"ra_update_id_restrict": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 2, orm.Data{"id": 22})
	},
	"ra_nested_deletemany": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"members": &orm.Nested{DeleteMany: []orm.Where{{orm.Eq("name", "m1")}}}},
			orm.Include{Relation: "members", Args: &orm.FindArgs{Select: sel("id")}})
	},
	"ra_nested_updatemany": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"members": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: orm.Where{}, Data: orm.Data{"name": "x"}}}}},
			orm.Include{Relation: "members", Args: &orm.FindArgs{Select: sel("id", "name"), OrderBy: []orm.Order{orm.Asc("id")}}})
	},
	"ra_nested_disconnect_badge": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"badges": &orm.Nested{Disconnect: []orm.Where{id(1)}}})
	},
	"ra_nested_set_badges": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"badges": &orm.Nested{Set: []orm.Where{id(3)}}})
	},
	"ra_nested_set_members_required": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 1, orm.Data{"members": &orm.Nested{Set: []orm.Where{}}})
	},
	"ra_create_member_missing_team": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pMember](ctx, db, pMemberModel, &orm.CreateArgs{Data: orm.Data{"name": "x", "teamId": 99}})
	},
	"ra_connect_or_create": func(ctx context.Context, db orm.DB) (any, error) {
		return updTeam(ctx, db, 3, orm.Data{"badges": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{
			{Where: id(3), Create: orm.Data{"label": "zz"}}, {Where: id(99), Create: orm.Data{"label": "new"}}}}},
			orm.Include{Relation: "badges", Args: &orm.FindArgs{Select: sel("id", "label"), OrderBy: []orm.Order{orm.Asc("id")}}})
	},
	"cw_shelf_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfKey("A", 2), Data: orm.Data{"label": "z"}})
	},
	"cw_shelf_delete_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pShelf](ctx, db, pShelfModel, &orm.DeleteArgs{Where: shelfKey("Z", 9)})
	},
	"cw_shelf_upsert_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pShelf](ctx, db, pShelfModel, &orm.UpsertArgs{Where: shelfKey("C", 1), Create: orm.Data{"area": "C", "slot": 1}, Update: orm.Data{"label": "u"}})
	},
	"cw_shelf_upsert_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pShelf](ctx, db, pShelfModel, &orm.UpsertArgs{Where: shelfKey("A", 1), Create: orm.Data{"area": "A", "slot": 1}, Update: orm.Data{"label": "u"}})
	},
	"cw_kit_connect_shelf": func(ctx context.Context, db orm.DB) (any, error) {
		return updKitSel(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Connect: []orm.Where{shelfKey("B", 1)}}}, "shelfArea", "shelfSlot")
	},
	"itx_ok": func(ctx context.Context, db orm.DB) (any, error) {
		var out []any
		err := db.(*orm.Client).Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			t, err := orm.Create[pTag](ctx, tx, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink"}, Select: sel("name")})
			if err != nil {
				return err
			}
			n, err := orm.Count(ctx, tx, pTagModel, nil)
			out = []any{t, n}
			return err
		}, nil)
		return out, err
	},
	"itx_throw_rollback": func(ctx context.Context, db orm.DB) (any, error) {
		return nil, db.(*orm.Client).Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			if _, err := orm.Create[pTag](ctx, tx, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink"}}); err != nil {
				return err
			}
			if _, err := orm.Update[pAuthor](ctx, tx, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"name": "Z"}}); err != nil {
				return err
			}
			return errBoom
		}, nil)
	},
	"itx_fail_rollback": func(ctx context.Context, db orm.DB) (any, error) {
		return nil, db.(*orm.Client).Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			for _, name := range []string{"pink", "red"} {
				if _, err := orm.Create[pTag](ctx, tx, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": name}}); err != nil {
					return err
				}
			}
			return nil
		}, nil)
	},
	"itx_notfound_rollback": func(ctx context.Context, db orm.DB) (any, error) {
		return nil, db.(*orm.Client).Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			if _, err := orm.DeleteMany(ctx, tx, pTagModel, &orm.DeleteArgs{}); err != nil {
				return err
			}
			_, err := orm.Update[pAuthor](ctx, tx, pAuthorModel, &orm.UpdateArgs{Where: id(99), Data: orm.Data{"name": "x"}})
			return err
		}, nil)
	},
	"tx_batch_unique_midway": func(ctx context.Context, db orm.DB) (any, error) {
		var ops []orm.BatchOp
		for _, name := range []string{"pink", "red", "gray"} {
			ops = append(ops, orm.Step(func(ctx context.Context, db orm.DB) (*pTag, error) {
				return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": name}})
			}))
		}
		return db.(*orm.Client).Batch(ctx, ops, nil)
	},
	"rawt_typed": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT ?::bigint AS b, ?::numeric AS d, ?::timestamptz AS t, ?::jsonb AS j, ?::bytea AS y, ?::int AS i`,
			int64(9007199254740993), decimal.RequireFromString("-0.005"), time.Date(2020, 1, 2, 3, 4, 5, 678e6, time.UTC), `{"a": [1, 2.5, null]}`, []byte{1, 2}, -7))
	},
	"rawt_member_types": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT id, roles, "seenAt", stamp, day, at FROM "Member" WHERE "teamId" = ? ORDER BY id`, 1))
	},
	"rawt_edge_numbers": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT 9223372036854775807::bigint AS maxb, (-9223372036854775808)::bigint AS minb, 1e-7::float8 AS small, 12345678901234567890.123456789::numeric AS big, 0.1::float4 AS f4, 32767::int2 AS i2`))
	},
	"rawt_exec": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`UPDATE "Member" SET name = ? WHERE "teamId" = ?`, "x", 1))
	},
	"rawt_unique_error": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`INSERT INTO "Team" (name) VALUES (?)`, "red"))
	},
	"rawt_restrict_error": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`DELETE FROM "Team" WHERE id = ?`, 2))
	},
})

func updKitSel(ctx context.Context, db orm.DB, kit int, data orm.Data, fields ...string) (any, error) {
	return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: id(kit), Data: data, Select: sel(fields...)})
}
