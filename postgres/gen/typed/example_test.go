package typed_test

import (
	"fmt"

	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

// User stands for a generated model struct.
type User struct {
	ID    int    `json:"id"`
	Email string `json:"email"`
}

// Handles as the generator declares them.
var (
	userID    = typed.NewNumberField[User, int]("id")
	userEmail = typed.NewStringField[User]("email")
)

func ExampleFindArgs() {
	args := &typed.FindArgs[User]{
		Where: []typed.Cond[User]{
			typed.Or(userEmail.EndsWith("@example.com").Insensitive(), userID.In(1, 2)),
		},
		OrderBy: []typed.Order[User]{userEmail.Desc().NullsLast()},
		Take:    10,
	}
	fa := args.Orm() // what the delegate passes to orm.FindMany
	or := fa.Where[0].(orm.Or)
	c := or[0][0].(*orm.FieldCond)
	fmt.Println(c.Field, c.Op, c.Value, c.Insensitive)
	fmt.Println(or[1][0].(*orm.FieldCond).Value)
	fmt.Println(fa.OrderBy[0].Field, fa.OrderBy[0].Desc, fa.Take)
	// Output:
	// email endsWith @example.com true
	// [1 2]
	// email true 10
}

func ExampleUnique_And() {
	byID := typed.NewUnique[User](userID.Equals(7))
	guarded := byID.And(userEmail.Contains("@"))
	fmt.Println(len(byID.Where()), len(guarded.Where()))
	// Output: 1 2
}

func ExampleAggOf() {
	views := typed.NewNumberField[User, int]("id")
	// What orm.Aggregate returns for max(id) on an Int column.
	res := orm.AggregateResult{Max: map[string]any{"id": int32(42)}}
	v, ok, err := typed.AggOf[int](res.Max, views)
	fmt.Println(v, ok, err)
	_, ok, _ = typed.AggOf[int](res.Min, views)
	fmt.Println(ok)
	// Output:
	// 42 true <nil>
	// false
}

// Decimal fields are exact. With decimal = "shopspring" in the generator
// block they are decimal.Decimal (decimal.RequireFromString("19.99"),
// arithmetic included); otherwise pgtype.Numeric, built and printed with
// these helpers.
func ExampleNumeric() {
	price, err := typed.Numeric("19.90")
	if err != nil {
		panic(err)
	}
	fmt.Println(typed.NumericString(price), typed.NumericString(typed.MustNumeric("-0.005")))
	// Output: 19.90 -0.005
}

func ExampleField_Ref() {
	// Users whose id is at least the one of their referrer: two columns
	// of the row, no bind parameter (Prisma's field reference).
	referrer := typed.NewNullableNumberField[User, int]("referrerId")
	c := userID.GteRef(referrer.Ref()).Orm().(*orm.FieldCond)
	fmt.Println(c.Field, c.Op, c.Value.(orm.FieldRef).Name)
	nick := typed.NewNullableStringField[User]("nick")
	c = userEmail.StartsWithRef(nick.Ref()).Insensitive().Orm().(*orm.FieldCond)
	fmt.Println(c.Field, c.Op, c.Value.(orm.FieldRef).Name, c.Insensitive)
	// Output:
	// id gte referrerId
	// email startsWith nick true
}

func ExampleRelevance() {
	// Most relevant first: Prisma's orderBy {_relevance: {fields:
	// ["email"], search: "ada | bob", sort: "desc"}}, then by id.
	args := &typed.FindArgs[User]{OrderBy: []typed.Order[User]{typed.Relevance[User]("ada | bob", true, userEmail), userID.Asc()}}
	o := args.Orm().OrderBy[0]
	fmt.Println(o.Relevance.Fields, o.Relevance.Search, o.Desc)
	// Output: [email] ada | bob true
}
