package migrate

import (
	"context"
	"fmt"
	"strings"
)

// DataLoss is what a plan would cost on the rows present, in Prisma 7's
// words (the checks prisma migrate dev and prisma db push run before they
// apply a change): Warnings ask for consent, Unexecutable steps cannot run
// at all on this data.
type DataLoss struct {
	Warnings     []string
	Unexecutable []string
	// UnexecutableSteps holds, for each Unexecutable message, the index of
	// its step in the plan (Prisma's stepIndex: the step's "-- Kind" block
	// in the migration, counted from 0).
	UnexecutableSteps []int
}

// Empty reports whether the plan costs nothing on these rows.
func (l *DataLoss) Empty() bool { return len(l.Warnings) == 0 && len(l.Unexecutable) == 0 }

// WarningsText renders the warnings as prisma migrate dev prints them
// before it asks whether to go on.
func (l *DataLoss) WarningsText() string {
	return bullets("⚠️  Warnings for the current datasource:\n\n", l.Warnings)
}

// bullets renders items under header as Prisma's CLI lists them.
func bullets(header string, items []string) string {
	if len(items) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(header)
	for _, it := range items {
		b.WriteString("  • " + it + "\n")
	}
	return b.String()
}

// UnexecutableText renders the steps that cannot run as prisma migrate
// dev does when it refuses them, with polystore's commands.
func (l *DataLoss) UnexecutableText() string {
	if len(l.Unexecutable) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(bullets("⚠️ We found changes that cannot be executed:\n\n", l.NumberedUnexecutable()))
	b.WriteString("\nYou can use polystore migrate dev --create-only to create the migration file, and manually modify it to address the underlying issue(s).\n" +
		"Then run polystore migrate dev to apply it and verify it works.\n")
	return b.String()
}

// NumberedUnexecutable returns the Unexecutable messages as prisma migrate
// dev lists them: "Step N " and the message, N the step's index in the plan.
func (l *DataLoss) NumberedUnexecutable() []string {
	out := make([]string, len(l.Unexecutable))
	for i, u := range l.Unexecutable {
		if i < len(l.UnexecutableSteps) {
			u = fmt.Sprintf("Step %d %s", l.UnexecutableSteps[i], u)
		}
		out[i] = u
	}
	return out
}

// lossKind is one of Prisma's destructive change checks.
type lossKind uint8

const (
	// lossStatic warns whatever the data (a unique constraint, a primary
	// key change, enum values removed).
	lossStatic lossKind = iota
	lossDropTable
	lossDropColumn
	lossAddRequired
	lossRecreate
	lossCast
	lossMakeRequired
)

// dataCheck is one check of a step against the rows present.
type dataCheck struct {
	kind     lossKind
	table    *Table
	column   string
	from, to string // SQL types, for lossCast
	required bool   // for lossRecreate
	text     string // for lossStatic
	// clientDefault: for lossAddRequired, the column has a default only
	// the client computes.
	clientDefault bool
}

// EvaluateDataLoss counts, in the database q, the rows and values the
// plan's steps would lose or trip over, and words the result as Prisma 7
// does: a table or column dropped while it holds data, a risky cast of
// values present, a required column added to or made of rows that have
// none, a column recreated for want of a cast, and the warnings Prisma
// gives whatever the data.
func EvaluateDataLoss(ctx context.Context, q Querier, plan *Plan) (*DataLoss, error) {
	if noDatabase(q) {
		return nil, ErrNoDatabase
	}
	out := &DataLoss{}
	count := func(c dataCheck, expr string) (int64, error) {
		var n int64
		sql := "SELECT COUNT(" + expr + ") FROM " + qualified(c.table.Schema, c.table.Name)
		if err := queryRow(ctx, q, sql, nil, &n); err != nil {
			return 0, fmt.Errorf("migrate: count rows of %s: %w", displayName(c.table.Schema, c.table.Name), err)
		}
		return n, nil
	}
	for step, s := range plan.Steps {
		unexecutable := func(format string, args ...any) {
			out.Unexecutable = append(out.Unexecutable, fmt.Sprintf(format, args...))
			out.UnexecutableSteps = append(out.UnexecutableSteps, step)
		}
		for _, c := range s.checks {
			if c.kind == lossStatic {
				out.Warnings = append(out.Warnings, c.text)
				continue
			}
			if c.kind == lossCast && c.to == "TEXT" {
				continue // every value has a text form: Prisma calls it a safe cast
			}
			expr := "*"
			switch c.kind {
			case lossDropColumn, lossCast:
				expr = quoteIdent(c.column)
			case lossMakeRequired:
				expr = "*) - COUNT(" + quoteIdent(c.column)
			case lossRecreate:
				if !c.required {
					expr = quoteIdent(c.column)
				}
			}
			n, err := count(c, expr)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				continue
			}
			t := c.table.Name
			switch c.kind {
			case lossDropTable:
				out.Warnings = append(out.Warnings, fmt.Sprintf("You are about to drop the `%s` table, which is not empty (%d rows).", t, n))
			case lossDropColumn:
				out.Warnings = append(out.Warnings, fmt.Sprintf("You are about to drop the column `%s` on the `%s` table, which still contains %d non-null values.", c.column, t, n))
			case lossCast:
				out.Warnings = append(out.Warnings, fmt.Sprintf("You are about to alter the column `%s` on the `%s` table, which contains %d non-null values. The data in that column will be cast from `%s` to `%s`.",
					c.column, t, n, prismaTypeName(c.from), prismaTypeName(c.to)))
			case lossRecreate:
				if c.required {
					unexecutable("Changed the type of `%s` on the `%s` table. No cast exists, the column would be dropped and recreated, which cannot be done since the column is required and there is data in the table.", c.column, t)
				} else {
					out.Warnings = append(out.Warnings, fmt.Sprintf("The `%s` column on the `%s` table would be dropped and recreated. This will lead to data loss.", c.column, t))
				}
			case lossAddRequired:
				if c.clientDefault {
					unexecutable("The required column `%s` was added to the `%s` table with a prisma-level default value. There are %d rows in this table, it is not possible to execute this step. Please add this column as optional, then populate it before making it required.", c.column, t, n)
					continue
				}
				unexecutable("Added the required column `%s` to the `%s` table without a default value. There are %d rows in this table, it is not possible to execute this step.", c.column, t, n)
			case lossMakeRequired:
				unexecutable("Made the column `%s` on table `%s` required, but there are %d existing NULL values.", c.column, t, n)
			}
		}
	}
	return out, nil
}

// prismaTypes names PostgreSQL types as Prisma's native types do.
var prismaTypes = map[string]string{"TEXT": "Text", "VARCHAR": "VarChar", "CHAR": "Char", "INTEGER": "Integer",
	"SMALLINT": "SmallInt", "BIGINT": "BigInt", "DOUBLE PRECISION": "DoublePrecision", "REAL": "Real",
	"DECIMAL": "Decimal", "BOOLEAN": "Boolean", "TIMESTAMP": "Timestamp", "TIMESTAMPTZ": "Timestamptz",
	"DATE": "Date", "TIME": "Time", "TIMETZ": "Timetz", "JSONB": "JsonB", "JSON": "Json", "UUID": "Uuid",
	"BYTEA": "ByteA", "INET": "Inet", "BIT": "Bit", "VARBIT": "VarBit", "XML": "Xml", "CITEXT": "Citext",
	"MONEY": "Money", "OID": "Oid"}

// prismaTypeName renders a column's SQL type as Prisma's messages do:
// VARCHAR(100) as VarChar(100), DOUBLE PRECISION as DoublePrecision.
func prismaTypeName(sqlType string) string {
	base, args, _ := strings.Cut(sqlType, "(")
	if name, ok := prismaTypes[strings.TrimSpace(base)]; ok {
		if args != "" {
			return name + "(" + args
		}
		return name
	}
	return sqlType
}
