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
	"Decimal":         {sql: "DECIMAL", scalars: []string{Decimal, Float}, maxArgs: 2},
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
