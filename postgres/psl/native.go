package psl

import "strings"

// nativeSpec describes one PostgreSQL native type attribute (@db.X).
type nativeSpec struct {
	sql     string   // SQL type name
	scalars []string // scalar types it may annotate
	maxArgs int
	minArgs int
}

var nativeTypes = map[string]nativeSpec{
	"Text":            {sql: "TEXT", scalars: []string{String}},
	"Char":            {sql: "CHAR", scalars: []string{String}, maxArgs: 1},
	"VarChar":         {sql: "VARCHAR", scalars: []string{String}, maxArgs: 1},
	"Bit":             {sql: "BIT", scalars: []string{String}, maxArgs: 1},
	"VarBit":          {sql: "VARBIT", scalars: []string{String}, maxArgs: 1},
	"Uuid":            {sql: "UUID", scalars: []string{String}},
	"Xml":             {sql: "XML", scalars: []string{String}},
	"Inet":            {sql: "INET", scalars: []string{String}},
	"Citext":          {sql: "CITEXT", scalars: []string{String}},
	"Integer":         {sql: "INTEGER", scalars: []string{Int}},
	"SmallInt":        {sql: "SMALLINT", scalars: []string{Int}},
	"Oid":             {sql: "OID", scalars: []string{Int}},
	"BigInt":          {sql: "BIGINT", scalars: []string{BigInt}},
	"DoublePrecision": {sql: "DOUBLE PRECISION", scalars: []string{Float}},
	"Real":            {sql: "REAL", scalars: []string{Float}},
	"Decimal":         {sql: "DECIMAL", scalars: []string{Decimal}, maxArgs: 2},
	"Money":           {sql: "MONEY", scalars: []string{Decimal}},
	"Boolean":         {sql: "BOOLEAN", scalars: []string{Boolean}},
	"Timestamp":       {sql: "TIMESTAMP", scalars: []string{DateTime}, maxArgs: 1},
	"Timestamptz":     {sql: "TIMESTAMPTZ", scalars: []string{DateTime}, maxArgs: 1},
	"Date":            {sql: "DATE", scalars: []string{DateTime}},
	"Time":            {sql: "TIME", scalars: []string{DateTime}, maxArgs: 1},
	"Timetz":          {sql: "TIMETZ", scalars: []string{DateTime}, maxArgs: 1},
	"Json":            {sql: "JSON", scalars: []string{Json}},
	"JsonB":           {sql: "JSONB", scalars: []string{Json}},
	"ByteA":           {sql: "BYTEA", scalars: []string{Bytes}},
}

// SQL renders the native type as PostgreSQL DDL, e.g. VARCHAR(255),
// DECIMAL(10,2), TIMESTAMPTZ(6).
func (n *NativeType) SQL() string {
	spec, ok := nativeTypes[n.Name]
	name := spec.sql
	if !ok {
		name = strings.ToUpper(n.Name)
	}
	if len(n.Args) == 0 {
		return name
	}
	return name + "(" + strings.Join(n.Args, ",") + ")"
}

// NativeFromSQL maps a PostgreSQL type as migrate introspects it
// (VARCHAR(255), DECIMAL(10,2), TIMESTAMPTZ(6), SMALLINT...) to the scalar
// type and the native type attribute that produce it: ("String",
// "VarChar(255)"). ok is false for types without a native type attribute.
// The attribute is returned even when it is the scalar's default type; the
// caller leaves it out then.
func NativeFromSQL(sql string) (scalar, attr string, ok bool) {
	name, args := sql, ""
	if i := strings.IndexByte(sql, '('); i >= 0 && strings.HasSuffix(sql, ")") {
		name, args = sql[:i], sql[i:]
	}
	best := ""
	for attrName, spec := range nativeTypes {
		if spec.sql != name || (args != "" && spec.maxArgs == 0) {
			continue
		}
		if best == "" || attrName < best { // deterministic (JsonB vs Json never share a SQL name)
			best = attrName
		}
	}
	if best == "" {
		return "", "", false
	}
	return nativeTypes[best].scalars[0], best + strings.ReplaceAll(args, ",", ", "), true
}
