package orm_test

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/polystore/polystore/postgres/orm"
)

// The models of testdata/prisma/schema.prisma past Author, Book, Tag and
// Item, as the generator emits them: users, profiles and posts (a required
// one-to-one whose foreign key is on the profile, @updatedAt fields), and
// shelves and kits (a compound @@id referenced by an optional compound
// foreign key, a @@unique of two optional fields).
var (
	pUserModel = &orm.Model{
		Name: "User",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "name", Type: orm.String},
			{Name: "touchedAt", Type: orm.DateTime, UpdatedAt: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "profile", Kind: orm.OneToOne, Model: "Profile", Inverse: "user"},
			{Name: "posts", Kind: orm.OneToMany, Model: "Post", Inverse: "user"},
		},
	}
	pProfileModel = &orm.Model{
		Name: "Profile",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "bio", Type: orm.String, Nullable: true},
			{Name: "userId", Type: orm.Int},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "Profile_userId_key", Fields: []string{"userId"}}},
		Relations: []*orm.Relation{
			{Name: "user", Kind: orm.OneToOne, Model: "User", Fields: []string{"userId"}, References: []string{"id"}, ForeignKey: "Profile_userId_fkey"},
		},
	}
	pPostModel = &orm.Model{
		Name: "Post",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "title", Type: orm.String},
			{Name: "touchedAt", Type: orm.DateTime, UpdatedAt: true},
			{Name: "userId", Type: orm.Int},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "user", Kind: orm.ManyToOne, Model: "User", Fields: []string{"userId"}, References: []string{"id"}, ForeignKey: "Post_userId_fkey"},
		},
	}
	pShelfModel = &orm.Model{
		Name: "Shelf",
		Fields: []*orm.Field{
			{Name: "area", Type: orm.String},
			{Name: "slot", Type: orm.Int},
			{Name: "label", Type: orm.String, Nullable: true},
		},
		PrimaryKey: []string{"area", "slot"},
		Relations: []*orm.Relation{
			{Name: "kits", Kind: orm.OneToMany, Model: "Kit", Inverse: "shelf"},
		},
	}
	pKitModel = &orm.Model{
		Name: "Kit",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "code", Type: orm.String, Nullable: true},
			{Name: "variant", Type: orm.String, Nullable: true},
			{Name: "shelfArea", Type: orm.String, Nullable: true},
			{Name: "shelfSlot", Type: orm.Int, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "Kit_code_variant_key", Fields: []string{"code", "variant"}}},
		Relations: []*orm.Relation{
			{Name: "shelf", Kind: orm.ManyToOne, Model: "Shelf", Fields: []string{"shelfArea", "shelfSlot"},
				References: []string{"area", "slot"}, ForeignKey: "Kit_shelfArea_shelfSlot_fkey"},
		},
	}
	pNodeModel = &orm.Model{
		Name:  "Node",
		Table: "nodes",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "label", Column: "node_label", Type: orm.String},
			{Name: "kind", Type: orm.Enum, EnumName: "Kind", EnumValues: []string{"ROOT", "LEAF"}, HasDefault: true},
			{Name: "done", Type: orm.Boolean, HasDefault: true},
			{Name: "parentId", Column: "parent_id", Type: orm.Int, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "parent", Kind: orm.ManyToOne, Model: "Node", Fields: []string{"parentId"}, References: []string{"id"}, ForeignKey: "nodes_parent_id_fkey", RelationName: "tree"},
			{Name: "children", Kind: orm.OneToMany, Model: "Node", Inverse: "parent", RelationName: "tree"},
		},
	}
	_ = mustSchema(pUserModel, pProfileModel, pPostModel, pShelfModel, pKitModel, pNodeModel)
)

type pNode struct {
	ID       int     `json:"id"`
	Label    string  `json:"label"`
	Kind     string  `json:"kind"`
	Done     bool    `json:"done"`
	ParentID *int    `json:"parentId"`
	Parent   *pNode  `json:"parent"`
	Children []pNode `json:"children"`
	Count    *struct {
		Children int64 `json:"children"`
	} `json:"_count,omitempty"`
}

type pUser struct {
	ID        int        `json:"id"`
	Name      string     `json:"name"`
	TouchedAt *time.Time `json:"touchedAt"`
	Profile   *pProfile  `json:"profile"`
	Posts     []pPost    `json:"posts"`
	Count     *struct {
		Posts int64 `json:"posts"`
	} `json:"_count,omitempty"`
}

type pProfile struct {
	ID     int     `json:"id"`
	Bio    *string `json:"bio"`
	UserID int     `json:"userId"`
	User   *pUser  `json:"user"`
}

type pPost struct {
	ID        int        `json:"id"`
	Title     string     `json:"title"`
	TouchedAt *time.Time `json:"touchedAt"`
	UserID    int        `json:"userId"`
	User      *pUser     `json:"user"`
}

type pShelf struct {
	Area  string  `json:"area"`
	Slot  int     `json:"slot"`
	Label *string `json:"label"`
	Kits  []pKit  `json:"kits"`
	Count *struct {
		Kits int64 `json:"kits"`
	} `json:"_count,omitempty"`
}

type pKit struct {
	ID        int     `json:"id"`
	Code      *string `json:"code"`
	Variant   *string `json:"variant"`
	ShelfArea *string `json:"shelfArea"`
	ShelfSlot *int    `json:"shelfSlot"`
	Shelf     *pShelf `json:"shelf"`
}

// shelfAt selects the shelf whose compound id is (area, slot).
func shelfAt(area string, slot int) orm.Where {
	return orm.Where{orm.Eq("area", area), orm.Eq("slot", slot)}
}

func kitVariant(code, variant string) orm.Where {
	return orm.Where{orm.Eq("code", code), orm.Eq("variant", variant)}
}

func updUser(ctx context.Context, db orm.DB, user int, data orm.Data, sel []string, inc ...orm.Include) (any, error) {
	return orm.Update[pUser](ctx, db, pUserModel, &orm.UpdateArgs{Where: id(user), Data: data, Select: sel, Include: inc})
}

func updKit(ctx context.Context, db orm.DB, kit int, data orm.Data, inc ...orm.Include) (any, error) {
	return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: id(kit), Data: data, Include: inc})
}

// The Go forms of the cases on users, profiles, posts, shelves and kits:
// relation write errors, compound ids and optional compound uniques,
// @updatedAt on every kind of update, nested to-one upserts and the
// returning writes.
var _ = addParityOps(map[string]parityOp{
	"err_connect_missing_one_to_one_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pProfile](ctx, db, pProfileModel, &orm.CreateArgs{Data: orm.Data{"bio": "x", "user": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_connect_missing_one_to_one_inverse": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Connect: []orm.Where{id(99)}}}, nil)
	},
	"err_connect_missing_post_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pPost](ctx, db, pPostModel, &orm.CreateArgs{Data: orm.Data{"title": "t", "user": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_connect_missing_posts": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"posts": &orm.Nested{Connect: []orm.Where{id(99)}}}, nil)
	},
	"err_required_one_to_one_create": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Create: []orm.Data{{"bio": "new"}}}}, nil)
	},
	"err_required_one_to_one_connect": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Connect: []orm.Where{id(2)}}}, nil)
	},
	"write_one_to_one_connect_free": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Connect: []orm.Where{id(1)}}}, sel("id"), orm.Inc("profile"))
	},
	"err_required_one_to_one_disconnect": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Disconnect: []orm.Where{nil}}}, nil)
	},
	"err_required_one_to_one_delete_user": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pUser](ctx, db, pUserModel, &orm.DeleteArgs{Where: id(1)})
	},
	"write_one_to_one_nested_delete": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Delete: []orm.Where{nil}}}, sel("id"), orm.Inc("profile"))
	},
	"err_one_to_one_nested_delete_none": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Delete: []orm.Where{nil}}}, nil)
	},
	"err_one_to_one_nested_update_none": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"bio": "x"}}}}}, nil)
	},
	"err_profile_missing_user": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pProfile](ctx, db, pProfileModel, &orm.CreateArgs{Data: orm.Data{"bio": "x"}})
	},
	"err_fk_compound_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pKit](ctx, db, pKitModel, &orm.CreateArgs{Data: orm.Data{"shelfArea": "Z", "shelfSlot": 9}})
	},
	"err_fk_post_update_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pPost](ctx, db, pPostModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"userId": 99}})
	},
	"err_unique_profile_user": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pProfile](ctx, db, pProfileModel, &orm.CreateArgs{Data: orm.Data{"userId": 1}})
	},
	"err_connect_missing_compound_id": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Connect: []orm.Where{shelfAt("Z", 1)}}})
	},
	"write_connect_compound_id": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Connect: []orm.Where{shelfAt("B", 1)}}}, orm.Inc("shelf"))
	},
	"write_compound_id_connect_kits": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("A", 2), Data: orm.Data{"kits": &orm.Nested{Connect: []orm.Where{id(3), id(4)}}},
			Include: []orm.Include{{Relation: "kits", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}}}}})
	},
	"write_compound_id_set_kits": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("A", 1), Data: orm.Data{"kits": &orm.Nested{Set: []orm.Where{id(4)}}},
			Select: sel("area"), Include: []orm.Include{{Relation: "kits", Args: &orm.FindArgs{Select: sel("id"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
	},
	"write_compound_id_disconnect_kit": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("A", 1), Data: orm.Data{"kits": &orm.Nested{Disconnect: []orm.Where{id(2)}}},
			Include: []orm.Include{orm.Inc("kits")}})
	},
	"write_compound_id_delete_set_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pShelf](ctx, db, pShelfModel, &orm.DeleteArgs{Where: shelfAt("A", 1)})
	},
	"err_compound_id_update_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("Z", 1), Data: orm.Data{"label": "x"}})
	},
	"write_compound_id_upsert_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pShelf](ctx, db, pShelfModel, &orm.UpsertArgs{Where: shelfAt("C", 1), Create: orm.Data{"area": "C", "slot": 1, "label": "c"}, Update: orm.Data{"label": "u"}})
	},
	"write_compound_id_upsert_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pShelf](ctx, db, pShelfModel, &orm.UpsertArgs{Where: shelfAt("A", 2), Create: orm.Data{"area": "A", "slot": 2, "label": "c"}, Update: orm.Data{"label": "u"}})
	},
	"err_compound_id_create_dup": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pShelf](ctx, db, pShelfModel, &orm.CreateArgs{Data: orm.Data{"area": "A", "slot": 1}})
	},
	"write_optional_unique_create_null_dup": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pKit](ctx, db, pKitModel, &orm.CreateArgs{Data: orm.Data{"code": "k"}, Select: sel("id", "code", "variant")})
	},
	"err_optional_unique_create_dup": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pKit](ctx, db, pKitModel, &orm.CreateArgs{Data: orm.Data{"code": "k", "variant": "v1"}})
	},
	"write_optional_unique_upsert": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pKit](ctx, db, pKitModel, &orm.UpsertArgs{Where: kitVariant("k", "v1"), Create: orm.Data{"code": "k", "variant": "v1"},
			Update: orm.Data{"shelfArea": nil, "shelfSlot": nil}})
	},
	"write_optional_unique_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: kitVariant("k", "v1"), Data: orm.Data{"variant": "v9"}, Select: sel("id", "variant")})
	},
	"err_optional_unique_delete_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pKit](ctx, db, pKitModel, &orm.DeleteArgs{Where: kitVariant("x", "y")})
	},
	"write_updated_at_update_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pPostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("userId", 1)}, Data: orm.Data{"title": "t"}}))
	},
	"write_updated_at_update_many_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pPostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("userId", 1)}, Data: orm.Data{}}))
	},
	"write_updated_at_update_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pPost](ctx, db, pPostModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{}, Select: sel("id")})
	},
	"write_updated_at_update_many_and_return": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pPost](ctx, db, pPostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("userId", 1)}, Data: orm.Data{"title": "z"},
			Omit: orm.Omit{"touchedAt": true}, Include: []orm.Include{{Relation: "user", Args: &orm.FindArgs{Select: sel("name")}}}})
	},
	"write_updated_at_nested_update_many": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: id(1), Data: orm.Data{"title": "x"}}}}}, sel("id"))
	},
	"write_updated_at_nested_only_parent": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: id(1), Data: orm.Data{"title": "x"}}}}}, sel("id"))
	},
	"write_updated_at_nested_create_parent": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 2, orm.Data{"posts": &orm.Nested{Create: []orm.Data{{"title": "n"}}}}, sel("id"))
	},
	"write_updated_at_upsert_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pPost](ctx, db, pPostModel, &orm.UpsertArgs{Where: id(1), Create: orm.Data{"title": "n", "userId": 1}, Update: orm.Data{"title": "u"}, Select: sel("id", "title")})
	},
	"write_updated_at_upsert_update_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pPost](ctx, db, pPostModel, &orm.UpsertArgs{Where: id(1), Create: orm.Data{"title": "n", "userId": 1}, Update: orm.Data{}, Select: sel("id", "title")})
	},
	"write_updated_at_upsert_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pPost](ctx, db, pPostModel, &orm.UpsertArgs{Where: id(99), Create: orm.Data{"title": "n", "userId": 1}, Update: orm.Data{"title": "u"}, Select: sel("id", "title")})
	},
	"write_updated_at_nested_upsert": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"posts": &orm.Nested{Upsert: []orm.NestedUpsert{{Where: id(2), Create: orm.Data{"title": "c"}, Update: orm.Data{"title": "u"}}}}}, sel("id"))
	},
	"write_updated_at_explicit": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pPost](ctx, db, pPostModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"touchedAt": "2010-01-01T00:00:00.000Z"}, Select: sel("touchedAt")})
	},
	"write_updated_at_explicit_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pPostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("userId", 1)},
			Data: orm.Data{"touchedAt": "2010-01-01T00:00:00.000Z", "title": "e"}}))
	},
	"write_nested_upsert_to_one_inverse_create": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"bio": "c"}, Update: orm.Data{"bio": "u"}}}}}, nil, orm.Inc("profile"))
	},
	"write_nested_upsert_to_one_inverse_update": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"bio": "c"}, Update: orm.Data{"bio": "u"}}}}}, nil, orm.Inc("profile"))
	},
	"write_nested_upsert_to_one_owner_create": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"area": "C", "slot": 1, "label": "c"}, Update: orm.Data{"label": "u"}}}}}, orm.Inc("shelf"))
	},
	"write_nested_upsert_to_one_owner_update": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 1, orm.Data{"shelf": &orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"area": "C", "slot": 1, "label": "c"}, Update: orm.Data{"label": "u"}}}}}, orm.Inc("shelf"))
	},
	"write_nested_upsert_owner_create_in_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pKit](ctx, db, pKitModel, &orm.CreateArgs{Data: orm.Data{"code": "n", "shelf": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{
			Where: shelfAt("D", 4), Create: orm.Data{"area": "D", "slot": 4}}}}}, Include: []orm.Include{orm.Inc("shelf")}})
	},
	"write_nested_create_to_one_inverse": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Create: []orm.Data{{"bio": "n"}}}}, sel("id"),
			orm.Include{Relation: "profile", Args: &orm.FindArgs{Select: sel("bio", "userId")}})
	},
	"write_create_many_return_select_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pPost](ctx, db, pPostModel, &orm.CreateManyArgs{Data: []orm.Data{{"title": "a", "userId": 2}, {"title": "b", "userId": 3}},
			Select: sel("id", "title"), Include: []orm.Include{{Relation: "user", Args: &orm.FindArgs{Select: sel("name")}}}})
	},
	"err_create_many_return_include_to_many": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pUser](ctx, db, pUserModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "x"}}, Include: []orm.Include{orm.Inc("posts")}})
	},
	"err_update_many_return_select_to_many": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pUser](ctx, db, pUserModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"name": "x"}, Select: sel("id"), Include: []orm.Include{orm.Inc("posts")}})
	},
	"write_create_many_return_compound_id": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pShelf](ctx, db, pShelfModel, &orm.CreateManyArgs{Data: []orm.Data{{"area": "E", "slot": 1}, {"area": "A", "slot": 1}}, SkipDuplicates: true})
	},
	"err_connect_missing_one_to_one_owner_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pProfile](ctx, db, pProfileModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"user": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_connect_missing_compound_id_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pKit](ctx, db, pKitModel, &orm.CreateArgs{Data: orm.Data{"code": "n", "shelf": &orm.Nested{Connect: []orm.Where{shelfAt("Z", 1)}}}})
	},
	"err_connect_missing_one_to_one_inverse_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pUser](ctx, db, pUserModel, &orm.CreateArgs{Data: orm.Data{"name": "n", "profile": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_connect_missing_posts_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pUser](ctx, db, pUserModel, &orm.CreateArgs{Data: orm.Data{"name": "n", "posts": &orm.Nested{Connect: []orm.Where{id(1), id(99)}}}})
	},
	"err_connect_missing_posts_some": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"posts": &orm.Nested{Connect: []orm.Where{id(1), id(98), id(99)}}}, nil)
	},
	"err_connect_missing_kits": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("A", 2), Data: orm.Data{"kits": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_set_missing_posts": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"posts": &orm.Nested{Set: []orm.Where{id(99)}}}, nil)
	},
	"err_set_missing_kits": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("A", 2), Data: orm.Data{"kits": &orm.Nested{Set: []orm.Where{id(3), id(99)}}}})
	},
	"err_required_one_to_one_connect_or_create": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{Where: id(99), Create: orm.Data{"bio": "n"}}}}}, nil)
	},
	"write_one_to_one_connect_same": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Connect: []orm.Where{id(1)}}}, sel("id"), orm.Inc("profile"))
	},
	"err_required_one_to_one_create_in_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pUser](ctx, db, pUserModel, &orm.CreateArgs{Data: orm.Data{"name": "n", "profile": &orm.Nested{Connect: []orm.Where{id(1)}}},
			Select: sel("name"), Include: []orm.Include{orm.Inc("profile")}})
	},
	"err_delete_posts_required_nested_delete_user": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pUser](ctx, db, pUserModel, &orm.DeleteArgs{Where: id(3)})
	},
})

// The Go forms of the writes and groupBy among the cases on Json paths,
// scalar lists, typed values, orderings, distinct with a cursor and omit.
var _ = addParityOps(map[string]parityOp{
	"write_list_push_empty_list": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 2, orm.Data{"labels": orm.Push([]string{"p", "q"}), "nums": orm.Push(4)}, "labels", "nums")
	},
	"write_list_set_null": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 1, orm.Data{"labels": orm.Set([]string{})}, "labels")
	},
	"write_list_update_many_push": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pItemModel, &orm.UpdateArgs{Where: orm.Where{orm.In("id", []int{1, 3, 5})}, Data: orm.Data{"nums": orm.Push(9)}}))
	},
	"write_list_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pItem](ctx, db, pItemModel, &orm.CreateManyArgs{Data: []orm.Data{
			{"labels": []string{"m"}, "nums": []int{1}}, {"data": json.RawMessage(`{"x": 1}`)}}, Select: sel("id", "labels", "nums", "data")})
	},
	"write_bytes_decimal_bigint_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "t@x.io", "big": int64(math.MinInt64),
			"blob": []byte{0, 1, 2}, "score": "12345678.99", "ratio": 1e-7}, Select: sel("big", "blob", "score", "ratio")})
	},
	"group_by_bigint_bytes": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pAuthorModel, &orm.GroupByArgs{By: sel("name"), Sum: sel("big"), Max: sel("big", "score"), Min: sel("blob"),
			OrderBy: []orm.GroupOrder{{Field: "name"}}})
		return groupsJSON(gs, false), err
	},
})

// The Go forms of the writes run under Prisma's global omit (the case's
// clientOmit is the client's Config.Omit).
var _ = addParityOps(map[string]parityOp{
	"omit_global_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink"}})
	},
	"omit_global_update_include": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"rank": 2},
			Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}}}}})
	},
	"omit_global_update_many_return": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("authorId", 3)}, Data: orm.Data{"pages": 1}})
	},
	"omit_global_create_many_return_select": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pBook](ctx, db, pBookModel, &orm.CreateManyArgs{Data: []orm.Data{{"title": "N", "pages": 1, "price": "2.5", "authorId": 2}},
			Select: sel("id", "price")})
	},
	"omit_global_upsert": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pTag](ctx, db, pTagModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}, Update: orm.Data{}})
	},
	"omit_global_delete": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pTag](ctx, db, pTagModel, &orm.DeleteArgs{Where: id(3)})
	},
})

// The Go forms of the cases on @updatedAt under createMany, connect and
// nested updates, required and optional disconnects, set and delete, and
// groupBy over a compound foreign key.
var _ = addParityOps(map[string]parityOp{
	"write_updated_at_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pPostModel, &orm.CreateManyArgs{Data: []orm.Data{{"title": "a", "userId": 1},
			{"title": "b", "userId": 2, "touchedAt": "2000-01-01T00:00:00.000Z"}}}))
	},
	"write_updated_at_nested_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"name": "u3b", "posts": &orm.Nested{CreateMany: []orm.Data{{"title": "c"}}}}, sel("id", "name"))
	},
	"write_updated_at_nested_update_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pPost](ctx, db, pPostModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"user": &orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"name": "z"}}}}},
			Select: sel("id")})
	},
	"write_updated_at_connect_touches_child": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 3, orm.Data{"posts": &orm.Nested{Connect: []orm.Where{id(3)}}}, sel("id"))
	},
	"err_required_posts_set_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"posts": &orm.Nested{SetNone: true}}, nil)
	},
	"err_required_posts_disconnect": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 1, orm.Data{"posts": &orm.Nested{Disconnect: []orm.Where{id(1)}}}, nil)
	},
	"err_required_owner_disconnect": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pProfile](ctx, db, pProfileModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"user": &orm.Nested{Disconnect: []orm.Where{nil}}}})
	},
	"write_optional_owner_disconnect": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 1, orm.Data{"shelf": &orm.Nested{Disconnect: []orm.Where{nil}}}, orm.Inc("shelf"))
	},
	"write_optional_owner_disconnect_none": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Disconnect: []orm.Where{nil}}})
	},
	"write_optional_set_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt("A", 1), Data: orm.Data{"kits": &orm.Nested{SetNone: true}},
			Include: []orm.Include{orm.Inc("kits")}})
	},
	"write_optional_owner_delete": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 4, orm.Data{"shelf": &orm.Nested{Delete: []orm.Where{nil}}}, orm.Inc("shelf"))
	},
	"err_optional_owner_delete_none": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Delete: []orm.Where{nil}}})
	},
	"err_optional_owner_update_none": func(ctx context.Context, db orm.DB) (any, error) {
		return updKit(ctx, db, 3, orm.Data{"shelf": &orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"label": "x"}}}}})
	},
	"err_delete_many_users_fk": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pUserModel, &orm.DeleteArgs{Where: orm.Where{orm.Gt("id", 1)}}))
	},
	"err_nested_delete_user_posts_profile_fk": func(ctx context.Context, db orm.DB) (any, error) {
		return updUser(ctx, db, 2, orm.Data{"posts": &orm.Nested{DeleteMany: []orm.Where{{}}}}, nil, orm.Inc("posts"), orm.Inc("profile"))
	},
	"err_create_owner_connect_and_fk": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pPost](ctx, db, pPostModel, &orm.CreateArgs{Data: orm.Data{"title": "t", "userId": 1, "user": &orm.Nested{Connect: []orm.Where{id(2)}}}})
	},
	"err_upsert_optional_unique_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pKit](ctx, db, pKitModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("code", "k"), orm.Eq("variant", nil)}, Create: orm.Data{"code": "k"}, Update: orm.Data{}})
	},
	"group_compound_id_by": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pKitModel, &orm.GroupByArgs{By: sel("shelfArea", "shelfSlot"), Count: true, CountFields: sel("code"),
			OrderBy: []orm.GroupOrder{{Field: "shelfArea", Nulls: orm.NullsLast}, {Field: "shelfSlot"}}})
		return groupsJSON(gs, true), err
	},
})

// The Go forms of the cases on nodes: a mapped table, an enum, a Boolean
// and a named self-relation.
var _ = addParityOps(map[string]parityOp{
	"node_group_enum": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pNodeModel, &orm.GroupByArgs{By: sel("kind"), Count: true, Min: sel("label", "done"), Max: sel("id"),
			OrderBy: []orm.GroupOrder{{Field: "kind"}}})
		return groupsJSON(gs, true), err
	},
	"node_aggregate": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pNodeModel, &orm.AggregateArgs{Count: true, CountFields: sel("parentId"), Min: sel("kind", "done", "label"), Max: sel("kind", "done")})
		return aggResult(r, err, true)
	},
	"write_node_create_nested": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pNode](ctx, db, pNodeModel, &orm.CreateArgs{Data: orm.Data{"label": "d", "kind": "ROOT", "children": &orm.Nested{
			Create: []orm.Data{{"label": "e"}, {"label": "f", "done": true}}}}, Include: []orm.Include{{Relation: "children", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}}}}})
	},
	"err_node_delete_not_connected": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pNode](ctx, db, pNodeModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"children": &orm.Nested{Delete: []orm.Where{id(4)}}}})
	},
	"err_node_connect_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pNode](ctx, db, pNodeModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"children": &orm.Nested{Connect: []orm.Where{id(4), id(99)}}}})
	},
	"err_node_update_child_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pNode](ctx, db, pNodeModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"children": &orm.Nested{
			Update: []orm.NestedUpdate{{Where: id(4), Data: orm.Data{"done": true}}}}}})
	},
	"err_node_connect_parent_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pNode](ctx, db, pNodeModel, &orm.UpdateArgs{Where: id(4), Data: orm.Data{"parent": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"write_node_update_many_enum": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pNodeModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("kind", "LEAF")}, Data: orm.Data{"kind": "ROOT", "done": orm.Set(true)}}))
	},
	"write_node_delete_parent_set_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pNode](ctx, db, pNodeModel, &orm.DeleteArgs{Where: id(2), Select: sel("label"),
			Include: []orm.Include{{Relation: "children", Args: &orm.FindArgs{Select: sel("id")}}}})
	},
	"write_node_upsert_enum": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pNode](ctx, db, pNodeModel, &orm.UpsertArgs{Where: id(5), Create: orm.Data{"label": "x"},
			Update: orm.Data{"kind": "LEAF", "parent": &orm.Nested{Connect: []orm.Where{id(1)}}}, Select: sel("id", "kind"),
			Include: []orm.Include{{Relation: "parent", Args: &orm.FindArgs{Select: sel("label")}}}})
	},
	"write_node_create_many_return": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pNode](ctx, db, pNodeModel, &orm.CreateManyArgs{Data: []orm.Data{{"label": "m", "parentId": 1}, {"label": "n", "kind": "ROOT"}},
			Include: []orm.Include{orm.Inc("parent")}})
	},
	"err_node_create_enum_invalid": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pNode](ctx, db, pNodeModel, &orm.CreateArgs{Data: orm.Data{"label": "x", "kind": "MID"}})
	},
})

// The Go forms of the upserts holding nested writes.
var _ = addParityOps(map[string]parityOp{
	"write_upsert_nested_create_branch": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("email", "z@x.io")},
			Create: orm.Data{"email": "z@x.io", "books": &orm.Nested{Create: []orm.Data{{"title": "T", "pages": 1, "price": "1.5"}}},
				"tags": &orm.Nested{Connect: []orm.Where{id(1)}}},
			Update: orm.Data{"name": "no"}, Select: sel("email"),
			Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("title", "price")}}, {Relation: "tags", Args: &orm.FindArgs{Select: sel("name")}}}})
	},
	"write_upsert_nested_update_branch": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("email", "cy@x.io")},
			Create: orm.Data{"email": "cy@x.io"}, Update: orm.Data{"books": &orm.Nested{DeleteMany: []orm.Where{{orm.Eq("genre", "sf")}}}, "tags": &orm.Nested{SetNone: true}},
			Select: sel("id"), Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("id")}}}, Count: []orm.CountOf{{Relation: "tags"}}})
	},
})
