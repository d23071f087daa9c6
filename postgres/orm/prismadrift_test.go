package orm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/orm"
)

// A model the database does not match: Prisma 7 (@prisma/adapter-pg and
// the client's messages) answers a missing table with P2021, a missing
// column with P2022 and a NOT NULL column left empty with P2011.
func TestPrismaErrorsOnSchemaDrift(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	ghost := &orm.Model{Name: "Ghost", Fields: []*orm.Field{{Name: "id", Type: orm.Int}}, PrimaryKey: []string{"id"}}
	drifted := &orm.Model{Name: "Drifted", Fields: []*orm.Field{
		{Name: "id", Type: orm.Int},
		{Name: "label", Type: orm.String, Nullable: true}, // NOT NULL in the table
		{Name: "gone", Type: orm.String, Nullable: true},  // not in the table
	}, PrimaryKey: []string{"id"}}
	_ = mustSchema(ghost, drifted)
	_, err := e.c.Pool().Exec(ctx, `CREATE TABLE "Drifted" (id int PRIMARY KEY, label text NOT NULL)`)
	require.NoError(t, err)
	type row struct {
		ID int `json:"id"`
	}

	_, err = orm.FindMany[row](ctx, e.c, ghost, nil)
	oe := requireCode(t, err, orm.CodeTableNotFound, "Ghost", "The table `public.Ghost` does not exist in the current database.")
	require.Equal(t, "42P01", oe.SQLState)

	_, err = orm.FindMany[row](ctx, e.c, drifted, &orm.FindArgs{Select: []string{"id", "gone"}})
	oe = requireCode(t, err, orm.CodeColumnNotFound, "Drifted", "The column `Drifted.gone` does not exist in the current database.")
	require.Equal(t, "42703", oe.SQLState)

	_, err = orm.Create[row](ctx, e.c, drifted, &orm.CreateArgs{Data: orm.Data{"id": 1}, Select: []string{"id"}})
	oe = requireCode(t, err, orm.CodeNullViolation, "Drifted", "Null constraint violation on the (not available)")
	require.Equal(t, "23502", oe.SQLState)
}
