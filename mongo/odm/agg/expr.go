package agg

import (
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Expr is an aggregation expression: a field path such as "$items.price",
// a literal, or a document built by the helpers in this package.
type Expr = any

// Path returns the field path expression for a dotted field name:
// Path("items.price") is "$items.price".
func Path(field string) string { return "$" + field }

func op(name string, v any) bson.D { return bson.D{{Key: name, Value: v}} }

func list(first Expr, rest []Expr) bson.A {
	a := make(bson.A, 0, 1+len(rest))
	a = append(a, first)
	for _, r := range rest {
		a = append(a, r)
	}
	return a
}

// Arithmetic.

// Add returns {$add: [a, b, ...]}.
func Add(a Expr, rest ...Expr) bson.D { return op("$add", list(a, rest)) }

// Subtract returns {$subtract: [a, b]}.
func Subtract(a, b Expr) bson.D { return op("$subtract", bson.A{a, b}) }

// Multiply returns {$multiply: [a, b, ...]}.
func Multiply(a Expr, rest ...Expr) bson.D { return op("$multiply", list(a, rest)) }

// Divide returns {$divide: [a, b]}.
func Divide(a, b Expr) bson.D { return op("$divide", bson.A{a, b}) }

// Round returns {$round: [a, place]}.
func Round(a Expr, place int) bson.D { return op("$round", bson.A{a, place}) }

// Comparison and logic.

// Eq returns {$eq: [a, b]}.
func Eq(a, b Expr) bson.D { return op("$eq", bson.A{a, b}) }

// Ne returns {$ne: [a, b]}.
func Ne(a, b Expr) bson.D { return op("$ne", bson.A{a, b}) }

// Gt returns {$gt: [a, b]}.
func Gt(a, b Expr) bson.D { return op("$gt", bson.A{a, b}) }

// Gte returns {$gte: [a, b]}.
func Gte(a, b Expr) bson.D { return op("$gte", bson.A{a, b}) }

// Lt returns {$lt: [a, b]}.
func Lt(a, b Expr) bson.D { return op("$lt", bson.A{a, b}) }

// Lte returns {$lte: [a, b]}.
func Lte(a, b Expr) bson.D { return op("$lte", bson.A{a, b}) }

// And returns {$and: [...]}.
func And(a Expr, rest ...Expr) bson.D { return op("$and", list(a, rest)) }

// Or returns {$or: [...]}.
func Or(a Expr, rest ...Expr) bson.D { return op("$or", list(a, rest)) }

// Not returns {$not: [a]}.
func Not(a Expr) bson.D { return op("$not", bson.A{a}) }

// In returns {$in: [value, array]}.
func In(value, array Expr) bson.D { return op("$in", bson.A{value, array}) }

// Conditionals.

// Cond returns {$cond: {if, then, else}}.
func Cond(ifExpr, then, els Expr) bson.D {
	return op("$cond", bson.D{{Key: "if", Value: ifExpr}, {Key: "then", Value: then}, {Key: "else", Value: els}})
}

// IfNull returns {$ifNull: [expr, replacement]}.
func IfNull(expr, replacement Expr) bson.D { return op("$ifNull", bson.A{expr, replacement}) }

// Strings, arrays, types.

// Concat returns {$concat: [...]}.
func Concat(a Expr, rest ...Expr) bson.D { return op("$concat", list(a, rest)) }

// ToLower returns {$toLower: a}.
func ToLower(a Expr) bson.D { return op("$toLower", a) }

// ToUpper returns {$toUpper: a}.
func ToUpper(a Expr) bson.D { return op("$toUpper", a) }

// ToString returns {$toString: a}.
func ToString(a Expr) bson.D { return op("$toString", a) }

// Size returns {$size: array}.
func Size(array Expr) bson.D { return op("$size", array) }

// ArrayElemAt returns {$arrayElemAt: [array, index]}.
func ArrayElemAt(array Expr, index int) bson.D { return op("$arrayElemAt", bson.A{array, index}) }

// Literal returns {$literal: v}: v is not interpreted as an expression.
func Literal(v any) bson.D { return op("$literal", v) }

// MergeObjects returns {$mergeObjects: [...]}.
func MergeObjects(a Expr, rest ...Expr) bson.D { return op("$mergeObjects", list(a, rest)) }

// Dates.

// DateToStringOpts are the optional parts of $dateToString.
type DateToStringOpts struct {
	Timezone string // e.g. "Europe/Berlin" or "+02:00"
	OnNull   Expr
}

// DateToString returns {$dateToString: {format, date, timezone?, onNull?}}.
func DateToString(format string, date Expr, opts *DateToStringOpts) bson.D {
	d := bson.D{{Key: "format", Value: format}, {Key: "date", Value: date}}
	if opts != nil {
		if opts.Timezone != "" {
			d = append(d, bson.E{Key: "timezone", Value: opts.Timezone})
		}
		if opts.OnNull != nil {
			d = append(d, bson.E{Key: "onNull", Value: opts.OnNull})
		}
	}
	return op("$dateToString", d)
}

// DateTrunc returns {$dateTrunc: {date, unit}} (unit: "hour", "day", "week"...).
func DateTrunc(date Expr, unit string) bson.D {
	return op("$dateTrunc", bson.D{{Key: "date", Value: date}, {Key: "unit", Value: unit}})
}

// Accumulators, for Group and Bucket outputs.

// Sum returns {$sum: e}; Sum(1) counts.
func Sum(e Expr) bson.D { return op("$sum", e) }

// Avg returns {$avg: e}.
func Avg(e Expr) bson.D { return op("$avg", e) }

// Min returns {$min: e}.
func Min(e Expr) bson.D { return op("$min", e) }

// Max returns {$max: e}.
func Max(e Expr) bson.D { return op("$max", e) }

// Push returns {$push: e}.
func Push(e Expr) bson.D { return op("$push", e) }

// AddToSet returns {$addToSet: e}.
func AddToSet(e Expr) bson.D { return op("$addToSet", e) }

// First returns {$first: e}.
func First(e Expr) bson.D { return op("$first", e) }

// Last returns {$last: e}.
func Last(e Expr) bson.D { return op("$last", e) }

// Count returns {$count: {}} (an accumulator, MongoDB 5.0+).
func Count() bson.D { return op("$count", bson.D{}) }
