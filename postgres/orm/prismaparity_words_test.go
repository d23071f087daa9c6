package orm_test

import (
	"encoding/json"

	"github.com/polystore/polystore/postgres/orm"
)

// Words of testdata/prisma/schema.prisma: a String beside a String[] and
// two Json columns, which field references compare with each other (an
// insensitive in against a list, Json filters at a path against another
// Json column).
var (
	pWordModel = &orm.Model{
		Name: "Word",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "text", Type: orm.String},
			{Name: "alts", Type: orm.String, List: true},
			{Name: "doc", Type: orm.JSON, Nullable: true},
			{Name: "spec", Type: orm.JSON, Nullable: true},
		},
		PrimaryKey: []string{"id"},
	}
	_ = mustSchema(pWordModel)
)

type pWord struct {
	ID   int             `json:"id"`
	Text string          `json:"text"`
	Alts []string        `json:"alts"`
	Doc  json.RawMessage `json:"doc"`
	Spec json.RawMessage `json:"spec"`
}
