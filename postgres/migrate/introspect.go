package migrate

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Querier is what introspection needs: *pgx.Conn, *pgxpool.Pool and pgx.Tx all fit.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// IntrospectOpts selects what Introspect reads.
type IntrospectOpts struct {
	// Schemas are the database schemas to read; empty means the current
	// schema (usually public). The current schema is reported as "" in
	// the result, the way the schema file leaves it unnamed.
	Schemas []string
}

// HistoryTable is the migration history table, shared with Prisma Migrate.
const HistoryTable = "_prisma_migrations"

// Introspect reads enums, tables, columns (types, defaults, nullability),
// primary keys, unique and plain indexes and foreign keys of a live
// database. The history table, expression indexes and partial indexes are
// left out. Partitioned tables are read with their partition key; their
// partitions, and partitions that retention detached, are not tables.
func Introspect(ctx context.Context, q Querier, opts *IntrospectOpts) (*Database, error) {
	if noDatabase(q) {
		return nil, ErrNoDatabase
	}
	var current string
	if err := queryRow(ctx, q, "SELECT current_schema()", nil, &current); err != nil {
		return nil, fmt.Errorf("migrate: introspect: %w", err)
	}
	schemas := []string{current}
	if opts != nil && len(opts.Schemas) > 0 {
		schemas = opts.Schemas
	}
	local := func(s string) string {
		if s == current {
			return ""
		}
		return s
	}
	db := &Database{}
	in := &introspector{q: q, schemas: schemas, local: local, db: db, tables: map[string]*Table{}}
	for _, step := range []func(context.Context) error{in.extensions, in.enums, in.tablesAndColumns, in.partitions, in.indexes, in.foreignKeys} {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("migrate: introspect: %w", err)
		}
	}
	return db, nil
}

func queryRow(ctx context.Context, q Querier, sql string, args []any, dest ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

type introspector struct {
	q       Querier
	schemas []string
	local   func(string) string
	db      *Database
	tables  map[string]*Table
}

func (in *introspector) each(ctx context.Context, sql string, scan func(pgx.Rows) error) error {
	rows, err := in.q.Query(ctx, sql, in.schemas)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (in *introspector) enums(ctx context.Context) error {
	return in.each(ctx, `
SELECT n.nspname, t.typname, e.enumlabel
FROM pg_type t
JOIN pg_enum e ON e.enumtypid = t.oid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY($1)
ORDER BY n.nspname, t.typname, e.enumsortorder`, func(r pgx.Rows) error {
		var schema, name, label string
		if err := r.Scan(&schema, &name, &label); err != nil {
			return err
		}
		schema = in.local(schema)
		e := in.db.Enum(schema, name)
		if e == nil {
			e = &Enum{Schema: schema, Name: name}
			in.db.Enums = append(in.db.Enums, e)
		}
		e.Values = append(e.Values, label)
		return nil
	})
}

var nextvalRE = regexp.MustCompile(`^nextval\('.*'::regclass\)$`)

func (in *introspector) tablesAndColumns(ctx context.Context) error {
	err := in.each(ctx, `
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1) AND c.relname <> '`+HistoryTable+`'
  AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE '`+DetachedComment+`%'
ORDER BY n.nspname, c.relname`, func(r pgx.Rows) error {
		var schema, name string
		if err := r.Scan(&schema, &name); err != nil {
			return err
		}
		t := &Table{Schema: in.local(schema), Name: name}
		in.db.Tables = append(in.db.Tables, t)
		in.tables[schema+"."+name] = t
		return nil
	})
	if err != nil {
		return err
	}
	return in.each(ctx, `
SELECT n.nspname, c.relname, a.attname, a.attnotnull, COALESCE(pg_get_expr(d.adbin, d.adrelid), ''),
       format_type(a.atttypid, a.atttypmod), t.typtype::text, tn.nspname, t.typname,
       COALESCE(et.typtype::text, ''), COALESCE(etn.nspname, ''), COALESCE(et.typname, ''), a.attidentity::text
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY n.nspname, c.relname, a.attnum`, func(r pgx.Rows) error {
		var schema, table, name, def, format, typtype, typns, typname, etyptype, etypns, etypname, identity string
		var notNull bool
		if err := r.Scan(&schema, &table, &name, &notNull, &def, &format, &typtype, &typns, &typname,
			&etyptype, &etypns, &etypname, &identity); err != nil {
			return err
		}
		t := in.tables[schema+"."+table]
		if t == nil {
			return nil
		}
		c := &Column{Name: name, NotNull: notNull, Default: def}
		switch {
		case typtype == "e":
			c.Type = qualified(in.local(typns), typname)
		case etyptype == "e":
			c.Type = qualified(in.local(etypns), etypname) + "[]"
		default:
			c.Type = sqlTypeOf(format)
		}
		if nextvalRE.MatchString(def) || identity == "a" || identity == "d" {
			c.AutoIncrement, c.Default = true, ""
		}
		t.Columns = append(t.Columns, c)
		return nil
	})
}

var formatRE = regexp.MustCompile(`^([a-z ]+?)(?:\((\d+(?:,\d+)?)\))?( with(?:out)? time zone)?$`)

// sqlTypeOf maps format_type output to the canonical DDL spelling.
func sqlTypeOf(format string) string {
	arr := ""
	for strings.HasSuffix(format, "[]") {
		arr += "[]"
		format = strings.TrimSuffix(format, "[]")
	}
	m := formatRE.FindStringSubmatch(format)
	if m == nil {
		return strings.ToUpper(format) + arr
	}
	name, args, tz := m[1], m[2], m[3]
	switch {
	case name == "timestamp" && tz == " with time zone":
		name = "TIMESTAMPTZ"
	case name == "time" && tz == " with time zone":
		name = "TIMETZ"
	default:
		switch name {
		case "numeric":
			name = "DECIMAL"
		case "character varying":
			name = "VARCHAR"
		case "character":
			name = "CHAR"
		case "bit varying":
			name = "VARBIT"
		default:
			name = strings.ToUpper(name)
		}
	}
	if args != "" {
		name += "(" + args + ")"
	}
	return name + arr
}

func (in *introspector) indexes(ctx context.Context) error {
	return in.each(ctx, `
SELECT n.nspname, t.relname, i.relname, ix.indisunique, ix.indisprimary, upper(am.amname),
       ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord),
       ARRAY(SELECT (o.opt & 1) = 1 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY o(opt, ord) ORDER BY o.ord),
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END
             FROM unnest(ix.indclass::oid[]) WITH ORDINALITY c(cls, ord) JOIN pg_opclass oc ON oc.oid = c.cls ORDER BY c.ord),
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN oc.opcname::text ELSE '' END
             FROM unnest(ix.indclass::oid[]) WITH ORDINALITY c(cls, ord) JOIN pg_opclass oc ON oc.oid = c.cls ORDER BY c.ord),
       EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype = 'u'),
       (ix.indexprs IS NOT NULL OR 0 = ANY(ix.indkey::int2[])),
       coalesce(pg_get_expr(ix.indpred, ix.indrelid), '')
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE n.nspname = ANY($1) AND t.relkind IN ('r', 'p')
ORDER BY n.nspname, t.relname, i.relname`, func(r pgx.Rows) error {
		var schema, table, name, method, where string
		var unique, primary, constraint, skip bool
		var cols, ops, defaultOps []string
		var desc []bool
		if err := r.Scan(&schema, &table, &name, &unique, &primary, &method, &cols, &desc, &ops, &defaultOps, &constraint, &skip, &where); err != nil {
			return err
		}
		t := in.tables[schema+"."+table]
		if t == nil || skip {
			return nil
		}
		if primary {
			t.PrimaryKey = &PrimaryKey{Name: name, Columns: cols}
			return nil
		}
		ix := &Index{Name: name, Unique: unique, Constraint: constraint, Where: where}
		if method != "BTREE" {
			ix.Method = method
		}
		for i, c := range cols {
			ic := IndexColumn{Name: c}
			if i < len(desc) {
				ic.Desc = desc[i]
			}
			if i < len(ops) {
				ic.OpClass = ops[i]
			}
			if i < len(defaultOps) {
				ic.DefaultOpClass = defaultOps[i]
			}
			ix.Columns = append(ix.Columns, ic)
		}
		t.Indexes = append(t.Indexes, ix)
		return nil
	})
}

var fkActions = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func (in *introspector) foreignKeys(ctx context.Context) error {
	return in.each(ctx, `
SELECT n.nspname, t.relname, con.conname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
       rn.nspname, rt.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord),
       con.confdeltype::text, con.confupdtype::text
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class rt ON rt.oid = con.confrelid
JOIN pg_namespace rn ON rn.oid = rt.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = ANY($1)
ORDER BY n.nspname, t.relname, con.conname`, func(r pgx.Rows) error {
		var schema, table, name, refSchema, refTable, del, upd string
		var cols, refCols []string
		if err := r.Scan(&schema, &table, &name, &cols, &refSchema, &refTable, &refCols, &del, &upd); err != nil {
			return err
		}
		t := in.tables[schema+"."+table]
		if t == nil {
			return nil
		}
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKey{Name: name, Columns: cols, RefSchema: in.local(refSchema),
			RefTable: refTable, RefColumns: refCols, OnDelete: fkActions[del], OnUpdate: fkActions[upd]})
		return nil
	})
}

func (in *introspector) extensions(ctx context.Context) error {
	return in.each(ctx, `
SELECT e.extname::text, n.nspname::text, e.extversion
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE cardinality($1::text[]) >= 0 -- every extension, whatever schemas are read
ORDER BY e.extname`, func(r pgx.Rows) error {
		x := &Extension{}
		if err := r.Scan(&x.Name, &x.Schema, &x.Version); err != nil {
			return err
		}
		in.db.Extensions = append(in.db.Extensions, x)
		return nil
	})
}
