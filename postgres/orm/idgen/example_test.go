package idgen_test

import (
	"fmt"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/idgen"
)

func Example() {
	// The metadata of `id String @id @default(cuid())`.
	id := &orm.Field{Name: "id", Type: orm.String, Generate: idgen.CUID}
	v := id.Generate()
	fmt.Println(len(v), v[0] == 'c')
	fmt.Println(len(idgen.UUIDv7()), len(idgen.CUID2()), len(idgen.NanoIDOf(10)()), len(idgen.ULID()))
	// Output:
	// 25 true
	// 36 24 10 26
}
