package ormtest_test

import (
	"fmt"

	"github.com/polystore/polystore/postgres/orm/ormtest"
)

func Example() {
	posts := ormtest.UserModel.Relation("posts")
	fmt.Println(posts.Kind, posts.Target().Name, ormtest.Schema.Model("Post").Relation("categories").Kind)
	// Output: 1:N Post N:M
}
