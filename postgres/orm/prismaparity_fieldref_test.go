package orm_test

import (
	"context"

	"github.com/polystore/polystore/postgres/orm"
)

// The Go forms of the fieldref_* write cases of cases.json: updateMany
// and deleteMany whose where compares two columns of the row (Prisma's
// field references, orm.Ref).
func init() {
	ops := map[string]parityOp{
		"fieldref_update_many": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pKitModel, &orm.UpdateArgs{
				Where: orm.Where{orm.Lt("shelfSlot", orm.Ref("id"))}, Data: orm.Data{"variant": "x"}}))
		},
		"fieldref_delete_many": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.DeleteMany(ctx, db, pKitModel, &orm.DeleteArgs{
				Where: orm.Where{orm.Eq("shelfSlot", &orm.FieldRef{Model: "Kit", Name: "id"})}}))
		},
		"fieldref_err_create_data": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pKit](ctx, db, pKitModel, &orm.CreateArgs{Data: orm.Data{"shelfSlot": orm.Ref("id")}, Select: sel("id")})
		},
		"fieldref_err_update_data": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pKitModel, &orm.UpdateArgs{Data: orm.Data{"shelfSlot": orm.Ref("id")}}))
		},
	}
	for k, v := range ops {
		parityOps[k] = v
	}
	// polystore names the enum (type Kind) where Prisma prints its
	// internal identifier of it (Enum((FileId(0), EnumId(11)))).
	parityOpen["fieldref_err_enum_string"] = "Prisma's message names the enum by an internal id"
	parityOpen["fieldref_enum_list_has"] = "Prisma's message names the enum by an internal id"
}
