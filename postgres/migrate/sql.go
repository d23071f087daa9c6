package migrate

import "strings"

// This file renders statements exactly as Prisma Migrate writes them.

func columnDef(c *Column) string {
	typ := c.Type
	if c.AutoIncrement {
		switch c.Type {
		case "INTEGER":
			typ = "SERIAL"
		case "BIGINT":
			typ = "BIGSERIAL"
		case "SMALLINT":
			typ = "SMALLSERIAL"
		}
	}
	s := quoteIdent(c.Name) + " " + typ
	if c.NotNull {
		s += " NOT NULL"
	}
	if c.Default != "" {
		s += " DEFAULT " + c.Default
	}
	return s
}

func quoteList(cols []string, sep string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, sep)
}

func createEnumSQL(e *Enum) string {
	vals := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = quoteLiteral(v)
	}
	return "CREATE TYPE " + qualified(e.Schema, e.Name) + " AS ENUM (" + strings.Join(vals, ", ") + ");"
}

func createTableSQL(t *Table) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + qualified(t.Schema, t.Name) + " (\n")
	for i, c := range t.Columns {
		b.WriteString("    " + columnDef(c))
		if i < len(t.Columns)-1 || t.PrimaryKey != nil {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	if t.PrimaryKey != nil {
		b.WriteString("\n    " + pkClause(t.PrimaryKey) + "\n")
	}
	b.WriteString(")")
	if t.Partition != nil {
		b.WriteString(" " + partitionClause(t.Partition))
	}
	b.WriteString(";")
	if t.Partition != nil {
		for _, c := range initialPartitionsSQL(t) {
			b.WriteString("\n" + c)
		}
	}
	return b.String()
}

func pkClause(pk *PrimaryKey) string {
	return "CONSTRAINT " + quoteIdent(pk.Name) + " PRIMARY KEY (" + quoteList(pk.Columns, ",") + ")"
}

func createIndexSQL(t *Table, ix *Index) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX " + quoteIdent(ix.Name) + " ON " + qualified(t.Schema, t.Name))
	if ix.Method != "" && ix.Method != "BTREE" {
		b.WriteString(" USING " + ix.Method + " ")
	}
	b.WriteByte('(')
	for i, c := range ix.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(c.Name))
		if c.OpClass != "" {
			b.WriteString(" " + c.OpClass)
		}
		switch {
		case c.Desc:
			b.WriteString(" DESC")
		case c.Asc:
			b.WriteString(" ASC")
		}
	}
	b.WriteByte(')')
	if ix.Where != "" {
		b.WriteString(" WHERE " + wherePredicate(ix.Where))
	}
	b.WriteByte(';')
	return b.String()
}

func dropIndexSQL(t *Table, ix *Index) string {
	if ix.Constraint {
		return "ALTER TABLE " + qualified(t.Schema, t.Name) + " DROP CONSTRAINT " + quoteIdent(ix.Name) + ";"
	}
	return "DROP INDEX " + qualified(t.Schema, ix.Name) + ";"
}

func addForeignKeySQL(t *Table, fk *ForeignKey) string {
	return "ALTER TABLE " + qualified(t.Schema, t.Name) + " ADD CONSTRAINT " + quoteIdent(fk.Name) +
		" FOREIGN KEY (" + quoteList(fk.Columns, ", ") + ") REFERENCES " + qualified(fk.RefSchema, fk.RefTable) +
		"(" + quoteList(fk.RefColumns, ", ") + ") ON DELETE " + fk.OnDelete + " ON UPDATE " + fk.OnUpdate + ";"
}

func dropForeignKeySQL(t *Table, fk *ForeignKey) string {
	return "ALTER TABLE " + qualified(t.Schema, t.Name) + " DROP CONSTRAINT " + quoteIdent(fk.Name) + ";"
}

func createExtensionSQL(x *Extension) string {
	s := "CREATE EXTENSION IF NOT EXISTS " + quoteIdent(x.Name)
	if x.Schema != "" || x.Version != "" {
		s += " WITH"
	}
	if x.Schema != "" {
		s += " SCHEMA " + quoteIdent(x.Schema)
	}
	if x.Version != "" {
		s += " VERSION " + quoteIdent(x.Version) // Prisma writes the version as an identifier, which PostgreSQL takes too
	}
	return s + ";"
}
