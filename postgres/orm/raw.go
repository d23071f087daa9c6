package orm

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5/pgtype"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrRawSQL reports a malformed Sql fragment (placeholder/argument count
// mismatch, unknown model field).
var ErrRawSQL = errors.New("orm: malformed SQL fragment")

// Sql is an injection-safe SQL fragment: text whose "?" placeholders are
// filled by arguments. An argument that is itself a Sql is inlined (with
// its own arguments renumbered); any other argument becomes a bind
// parameter $n. Write "??" for a literal question mark (jsonb operators).
// Build it with SQL, Raw, Ident, Join, Model.Table and Model.Col.
type Sql struct {
	text string
	args []any
	raw  bool
	err  error
}

// SQL makes a fragment from text with "?" placeholders and their arguments.
func SQL(text string, args ...any) Sql { return Sql{text: text, args: args} }

// Raw makes a fragment from trusted text taken verbatim (no placeholders).
// Never pass user input to Raw.
func Raw(text string) Sql { return Sql{text: text, raw: true} }

// Ident quotes an identifier; several parts are joined with dots
// (Ident("public", "users") is "public"."users").
func Ident(parts ...string) Sql {
	q := make([]string, len(parts))
	for i, p := range parts {
		if p == "*" {
			q[i] = p
			continue
		}
		q[i] = quoteIdent(p)
	}
	return Raw(strings.Join(q, "."))
}

// Join concatenates fragments with a trusted separator (", ", " AND ").
func Join(frags []Sql, sep string) Sql {
	if len(frags) == 0 {
		return Raw("")
	}
	ph := make([]string, len(frags))
	args := make([]any, len(frags))
	for i, f := range frags {
		ph[i] = "?"
		args[i] = f
	}
	return Sql{text: strings.Join(ph, strings.ReplaceAll(sep, "?", "??")), args: args}
}

// Append returns s followed by a space and more.
func (s Sql) Append(more Sql) Sql { return SQL("? ?", s, more) }

// Table is the quoted (schema-qualified) table of m.
func (m *Model) TableSql() Sql { return Raw(m.qtable) }

// Col is the quoted column of field name (qualified by alias when given).
// An unknown field makes Build fail with ErrRawSQL.
func (m *Model) Col(field string, alias ...string) Sql {
	f := m.fields[field]
	if f == nil {
		return Sql{err: fmt.Errorf("%w: %s has no field %q", ErrRawSQL, m.Name, field)}
	}
	if len(alias) > 0 {
		return Raw(quoteIdent(alias[0]) + "." + f.qcol)
	}
	return Raw(f.qcol)
}

// Build renders the fragment as SQL text with $1..$n and its arguments.
func (s Sql) Build() (string, []any, error) {
	var b strings.Builder
	var args []any
	if err := s.build(&b, &args); err != nil {
		return "", nil, err
	}
	return b.String(), args, nil
}

func (s Sql) build(b *strings.Builder, args *[]any) error {
	if s.err != nil {
		return s.err
	}
	if s.raw {
		b.WriteString(s.text)
		return nil
	}
	next := 0
	text := s.text
	for {
		i := strings.IndexByte(text, '?')
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		if i+1 < len(text) && text[i+1] == '?' {
			b.WriteByte('?')
			text = text[i+2:]
			continue
		}
		text = text[i+1:]
		if next >= len(s.args) {
			return fmt.Errorf("%w: more placeholders than the %d arguments in %q", ErrRawSQL, len(s.args), s.text)
		}
		a := s.args[next]
		next++
		switch x := a.(type) {
		case Sql:
			if err := x.build(b, args); err != nil {
				return err
			}
		case *Sql:
			if err := x.build(b, args); err != nil {
				return err
			}
		default:
			*args = append(*args, a)
			b.WriteString("$" + strconv.Itoa(len(*args)))
		}
	}
	if next != len(s.args) {
		return fmt.Errorf("%w: %d arguments for %d placeholders in %q", ErrRawSQL, len(s.args), next, s.text)
	}
	return nil
}

// QueryRaw runs a query and scans each row into T: a struct (columns
// matched to fields by `db` tag or name, case-insensitively, unmatched
// columns ignored), a map[string]any, or a single-column scalar.
func QueryRaw[T any](ctx context.Context, db DB, q Sql) ([]T, error) {
	text, args, err := q.Build()
	if err != nil {
		return nil, err
	}
	h := handleOf(db)
	if h == nil {
		return nil, validationErr(nil, "", errNoDB)
	}
	if strings.TrimSpace(text) == "" {
		return nil, validationErr(nil, "", "empty statement")
	}
	var out []T
	t := reflect.TypeFor[T]()
	run := h.do
	if rt, _ := ctx.Value(routeKey{}).(route); rt == routeReplica {
		run = h.read // raw SQL may write: only an explicit OnReplica sends it to a replica
	}
	err = run(ctx, func(qr querier) error {
		start := time.Now()
		rows, err := qr.Query(ctx, text, args...)
		if err != nil {
			h.emit(ctx, qr, nil, ActionQueryRaw, text, len(args), start, 0, err)
			return rawQueryErr(err)
		}
		switch {
		case t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]():
			out, err = pgx.CollectRows(rows, pgx.RowToStructByNameLax[T])
			err = unmatchedColumn(err, t)
		case t == reflect.TypeFor[map[string]any]():
			out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) {
				m, err := pgx.RowToMap(r)
				for k, v := range m {
					m[k] = rawDate(v)
				}
				return any(m).(T), err
			})
		default:
			out, err = pgx.CollectRows(rows, pgx.RowTo[T])
		}
		h.emit(ctx, qr, nil, ActionQueryRaw, text, len(args), start, int64(len(out)), err)
		return rawQueryErr(err)
	})
	return out, err
}

// unmatchedColumn explains pgx's error for a result column that no field of
// the struct takes (a mapped column such as email_address scanned into a
// struct with a field Email).
func unmatchedColumn(err error, t reflect.Type) error {
	const pgxText = "struct doesn't have corresponding row field "
	if err == nil || !strings.Contains(err.Error(), pgxText) {
		return err
	}
	col := err.Error()[strings.Index(err.Error(), pgxText)+len(pgxText):]
	return fmt.Errorf("orm: QueryRaw into %s: no field takes the column %q: name a field after it (case and underscores are ignored), tag one `db:%q`, or rename the column in the query (AS): %w",
		t, col, col, err)
}

// ExecRaw runs a statement and returns the number of rows affected.
func ExecRaw(ctx context.Context, db DB, q Sql) (int64, error) {
	text, args, err := q.Build()
	if err != nil {
		return 0, err
	}
	h := handleOf(db)
	if h == nil {
		return 0, validationErr(nil, "", errNoDB)
	}
	if strings.TrimSpace(text) == "" {
		return 0, validationErr(nil, "", "empty statement")
	}
	var n int64
	err = h.do(ctx, func(qr querier) error {
		n, err = h.exec(ctx, qr, nil, ActionExecuteRaw, text, args)
		return rawQueryErr(err)
	})
	if err == nil {
		noteWrite(ctx)
	}
	return n, err
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// rawDate reads a date or time a raw query returns as Prisma does, as a
// JavaScript Date: an instant cut to the millisecond, in UTC, and a time
// of day (time, timetz) on 1970-01-01.
func rawDate(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Truncate(time.Millisecond)
	case pgtype.Time:
		if !x.Valid {
			return nil
		}
		return time.Unix(0, 0).UTC().Add(time.Duration(x.Microseconds) * time.Microsecond).Truncate(time.Millisecond)
	}
	return v
}
