package orm

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// The arguments Prisma's count, aggregate and groupBy take besides their
// selections (_count, _sum…), which its unknown-argument errors offer.
var (
	countArgNames     = []string{"where", "orderBy", "cursor", "take", "skip"}
	aggregateArgNames = []string{"where", "orderBy", "cursor", "take", "skip"}
	groupByArgNames   = []string{"where", "orderBy", "by", "having", "take", "skip"}
	aggSelections     = map[string]AggFunc{"_count": AggCount, "_sum": AggSum, "_avg": AggAvg, "_min": AggMin, "_max": AggMax}
)

// ParseCountArgs decodes the arguments of Prisma's count: {"where",
// "orderBy", "cursor", "skip", "take", "select"}; select ({"_all": true,
// "name": true}) counts per field and is read by CountSelect (Count
// refuses it). Every problem is a *ValidationError worded as Prisma's.
func ParseCountArgs(m *Model, data []byte) (*CountArgs, error) {
	o, err := decodeObject(m, data)
	if err != nil {
		return nil, err
	}
	page := map[string]any{}
	a := &CountArgs{}
	for _, k := range sortedKeys(o) {
		val := o[k]
		switch {
		case slices.Contains(countArgNames, k):
			page[k] = val
		case k == "select":
			if b, isBool := val.(bool); val == nil || isBool && b {
				// select: true counts the rows, as none.
				continue
			}
			sel, err := boolSelection(m, val, k, func(f string) error {
				return aggSelectErr(m, AggCount, f, joinPath("select", f))
			})
			if err != nil {
				return nil, err
			}
			if err := selectionNotEmpty(m, AggCount, val, sel, k); err != nil {
				return nil, err
			}
			a.Select = sel
		default:
			return nil, unknownArg(m, k, k, countArgNames)
		}
	}
	fa, err := findArgsFromJSON(m, page, "", 0)
	if err != nil {
		return nil, err
	}
	a.Where, a.OrderBy, a.Cursor, a.Skip, a.Take = fa.Where, fa.OrderBy, fa.Cursor, fa.Skip, fa.Take
	return a, nil
}

// ParseAggregateArgs decodes the arguments of Prisma's aggregate:
// {"where", "orderBy", "cursor", "skip", "take"} and the selections
// "_count" (true, or {"_all": true, "field": true}), "_sum", "_avg",
// "_min" and "_max" ({"field": true}).
func ParseAggregateArgs(m *Model, data []byte) (*AggregateArgs, error) {
	o, err := decodeObject(m, data)
	if err != nil {
		return nil, err
	}
	page := map[string]any{}
	a := &AggregateArgs{}
	for _, k := range sortedKeys(o) {
		val := o[k]
		if slices.Contains(aggregateArgNames, k) {
			page[k] = val
			continue
		}
		if k == "select" {
			if err := aggSelectFromJSON(m, val, k, &a.Count, &a.CountFields, a.aggList, nil); err != nil {
				return nil, err
			}
			continue
		}
		fn, ok := aggSelections[k]
		if !ok {
			return nil, unknownArg(m, k, k, aggregateArgNames)
		}
		if err := aggSelectionFromJSON(m, fn, val, k, &a.Count, &a.CountFields, a.aggList(fn)); err != nil {
			return nil, err
		}
	}
	fa, err := findArgsFromJSON(m, page, "", 0)
	if err != nil {
		return nil, err
	}
	a.Where, a.OrderBy, a.Cursor, a.Skip, a.Take = fa.Where, fa.OrderBy, fa.Cursor, fa.Skip, fa.Take
	return a, nil
}

func (a *AggregateArgs) aggList(fn AggFunc) *[]string {
	return aggListOf(fn, &a.Sum, &a.Avg, &a.Min, &a.Max)
}

func aggListOf(fn AggFunc, sum, avg, mn, mx *[]string) *[]string {
	switch fn {
	case AggSum:
		return sum
	case AggAvg:
		return avg
	case AggMin:
		return mn
	case AggMax:
		return mx
	}
	return nil
}

// ParseGroupByArgs decodes the arguments of Prisma's groupBy: {"by" (a
// field or a list of fields), "where", "having", "orderBy", "skip",
// "take"} and the selections of ParseAggregateArgs. having maps a field
// to a filter of its value ({"genre": "sf"}, {"genre": {"not": null}})
// or of its aggregates ({"pages": {"_sum": {"gt": 100}}}); orderBy a by
// field to a direction ({"genre": "asc"}, {"genre": {"sort": "asc",
// "nulls": "first"}}) or an aggregate to one ({"_count": {"genre":
// "desc"}}), and takes AND, OR and NOT.
func ParseGroupByArgs(m *Model, data []byte) (*GroupByArgs, error) {
	o, err := decodeObject(m, data)
	if err != nil {
		return nil, err
	}
	a := &GroupByArgs{}
	where := map[string]any{}
	zeroTake := false
	for _, k := range sortedKeys(o) {
		val := o[k]
		var err error
		switch k {
		case "by":
			a.By, err = groupByFromJSON(m, val)
		case "where":
			where[k] = val
		case "take", "skip":
			var n int
			if n, err = intFromJSON(m, val, k); err == nil {
				if k == "take" {
					a.Take = n
					if n == 0 {
						// take: 0 is no groups in Prisma (and, as any
						// take, needs an order; see below).
						where["take"] = json0
						zeroTake = true
					}
				} else {
					a.Skip = n
				}
			}
		case "orderBy":
			a.OrderBy, err = groupOrderFromJSON(m, val)
		case "having":
			a.Having, err = havingFromJSON(m, val, memberOrder(data, "having"))
		case "select":
			lists := func(fn AggFunc) *[]string { return aggListOf(fn, &a.Sum, &a.Avg, &a.Min, &a.Max) }
			err = aggSelectFromJSON(m, val, k, &a.Count, &a.CountFields, lists, func(f string) bool {
				// The by fields are selected whatever select says.
				return m.fields[f] != nil
			})
		default:
			fn, ok := aggSelections[k]
			if !ok {
				return nil, unknownArg(m, k, k, groupByArgNames)
			}
			err = aggSelectionFromJSON(m, fn, val, k, &a.Count, &a.CountFields, aggListOf(fn, &a.Sum, &a.Avg, &a.Min, &a.Max))
		}
		if err != nil {
			return nil, err
		}
	}
	if len(where) > 0 {
		fa, err := findArgsFromJSON(m, where, "", 0)
		if err != nil {
			return nil, err
		}
		a.Where = fa.Where
	}
	if zeroTake && len(a.OrderBy) == 0 {
		// Prisma pages groups in primary-key order when no order is
		// given, which GroupBy does for a Take other than 0.
		for _, f := range m.PrimaryKey {
			a.OrderBy = append(a.OrderBy, GroupOrder{Field: f})
		}
	}
	return a, nil
}

// json0 is the JSON number 0, as a decoded take.
var json0 any = json.Number("0")

// memberOrder is the keys of the object at top-level key of the JSON
// object data, in the order written (nil if there is none).
func memberOrder(data []byte, key string) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil
		}
		if k != key {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil
		}
		var out []string
		for dec.More() {
			k, err := dec.Token()
			name, ok := k.(string)
			if err != nil || !ok || slices.Contains(out, name) {
				return nil
			}
			out = append(out, name)
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
		return out
	}
	return nil
}

func decodeObject(m *Model, data []byte) (map[string]any, error) {
	v, err := decodeJSON(m, data)
	if err != nil {
		return nil, err
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, validationErr(m, "", "expects an object")
	}
	return o, nil
}

// boolSelection reads {"name": true, "other": false}: the names set to
// true, sorted; unknown reports a name that is not "_all" or a field of
// m.
func boolSelection(m *Model, val any, path string, unknown func(string) error) ([]string, error) {
	so, ok := val.(map[string]any)
	if !ok {
		return nil, validationErr(m, path, "expects an object of field names")
	}
	var out []string
	for _, f := range sortedKeys(so) {
		if f != "_all" && m.fields[f] == nil {
			return nil, unknown(f)
		}
		b, ok := so[f].(bool)
		if !ok {
			return nil, validationErr(m, joinPath(path, f), "expects true or false")
		}
		if b {
			out = append(out, f)
		}
	}
	return out, nil
}

// aggSelectFromJSON reads the select of an aggregate or a groupBy:
// {"_count": true | {"select": {...}}, "_sum": ...}, where true selects every field
// the aggregate takes (and, for _count, the rows); scalar names
// field(name) accepts (a groupBy's fields) are left to the caller.
func aggSelectFromJSON(m *Model, val any, path string, count *bool, countFields *[]string, lists func(AggFunc) *[]string, field func(string) bool) error {
	so, ok := val.(map[string]any)
	if !ok {
		return validationErr(m, path, "expects an object")
	}
	for _, k := range sortedKeys(so) {
		kp := joinPath(path, k)
		fn, isAgg := aggSelections[k]
		switch {
		case isAgg && so[k] == true:
			if fn == AggCount {
				*count = true
				*countFields = append(*countFields, aggFields(m, AggCount)...)
			} else {
				*lists(fn) = append(*lists(fn), aggFields(m, fn)...)
			}
		case isAgg:
			// Under select, an aggregate takes true or {"select": {...}}.
			ao, ok := so[k].(map[string]any)
			if !ok {
				return validationErr(m, kp, "expects true or an object")
			}
			for _, ak := range sortedKeys(ao) {
				if ak != "select" {
					return unknownArg(m, joinPath(kp, ak), ak, nil)
				}
			}
			if err := aggSelectionFromJSON(m, fn, ao["select"], joinPath(kp, "select"), count, countFields, lists(fn)); err != nil {
				return err
			}
		case field != nil && field(k):
		default:
			return prismaMsg(m, kp, unknownSelectionMsg(k, true, "Aggregate"+m.Name))
		}
	}
	return nil
}

// selectionNotEmpty words as Prisma an aggregate selection (val, of
// which sel is set) that selects nothing: {} or only false values.
func selectionNotEmpty(m *Model, fn AggFunc, val any, sel []string, path string) error {
	if len(sel) > 0 {
		return nil
	}
	typ := aggOutputType(m, fn)
	if o, ok := val.(map[string]any); ok && len(o) == 0 {
		return prismaMsg(m, path, "The `select` statement for type "+typ+" must not be empty. "+availableOptions)
	}
	return prismaMsg(m, path, "The `select` statement for type "+typ+" needs at least one truthy value.")
}

// aggSelectionFromJSON reads one of _count, _sum, _avg, _min and _max
// into count and countFields (_count) or list.
func aggSelectionFromJSON(m *Model, fn AggFunc, val any, path string, count *bool, countFields, list *[]string) error {
	if val == nil {
		return nil
	}
	if b, ok := val.(bool); ok {
		if !b {
			return selectionNotEmpty(m, fn, val, nil, path)
		}
		if fn == AggCount {
			*count = true
			return nil
		}
	}
	sel, err := boolSelection(m, val, path, func(f string) error {
		return aggSelectErr(m, fn, f, joinPath(path, f))
	})
	if err != nil {
		return err
	}
	if err := selectionNotEmpty(m, fn, val, sel, path); err != nil {
		return err
	}
	for _, f := range sel {
		switch {
		case fn != AggCount:
			if f == "_all" || !aggOK(m.fields[f], fn) {
				return aggSelectErr(m, fn, f, joinPath(path, f))
			}
			*list = append(*list, f)
		case f == "_all":
			*count = true
		default:
			*countFields = append(*countFields, f)
		}
	}
	return nil
}

func groupByFromJSON(m *Model, val any) ([]string, error) {
	list, ok := val.([]any)
	if s, one := val.(string); one {
		list, ok = []any{s}, true
	}
	if val == nil {
		return nil, prismaMsg(m, "by", isMissing("by"))
	}
	if !ok {
		return nil, prismaMsg(m, "by", invalidValueMsg("by", "", m.Name+"ScalarFieldEnum"))
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok || m.fields[s] == nil {
			return nil, prismaMsg(m, "by", invalidValueMsg("by", "", m.Name+"ScalarFieldEnum"))
		}
		out = append(out, s)
	}
	return out, nil
}

func groupOrderFromJSON(m *Model, v any) ([]GroupOrder, error) {
	items, ok := v.([]any)
	if o, one := v.(map[string]any); one {
		items, ok = []any{o}, true
	}
	if !ok {
		return nil, validationErr(m, "orderBy", "expects an object or a list of objects")
	}
	var out []GroupOrder
	for i, it := range items {
		p := "orderBy[" + strconv.Itoa(i) + "]"
		o, ok := it.(map[string]any)
		if !ok {
			return nil, validationErr(m, p, "expects an object")
		}
		if len(o) > 1 {
			return nil, prismaMsg(m, p, invalidTypeMsg("orderBy", []string{m.Name + "OrderByWithAggregationInput[]"}, "Object"))
		}
		for _, k := range sortedKeys(o) {
			kp := joinPath(p, k)
			fn, isAgg := aggSelections[k]
			if !isAgg && m.fields[k] == nil {
				// OrderByWithAggregationInput: fields and aggregates.
				return nil, unknownArg(m, kp, k, append(fieldNames(m.Fields), "_count", "_avg", "_max", "_min", "_sum"))
			}
			if !isAgg {
				ord, err := sortFromJSON(m, o[k], kp)
				if err != nil {
					return nil, err
				}
				out = append(out, GroupOrder{Field: k, Desc: ord.Desc, Nulls: ord.Nulls})
				continue
			}
			ao, ok := o[k].(map[string]any)
			if !ok {
				return nil, validationErr(m, kp, "expects an object of field names")
			}
			for _, f := range sortedKeys(ao) {
				if f == "_all" {
					// Prisma's BookCountOrderByAggregateInput has fields
					// only (GroupOrder{Agg: AggCount} is count(*) in Go).
					return nil, groupOrderAggErr(m, GroupOrder{Agg: fn, Field: f}, joinPath(kp, f))
				}
				ord, err := sortFromJSON(m, ao[f], joinPath(kp, f))
				if err != nil {
					return nil, err
				}
				out = append(out, GroupOrder{Agg: fn, Field: f, Desc: ord.Desc, Nulls: ord.Nulls})
			}
		}
	}
	return out, nil
}

// havingOpNames are the operators of havingOps, in Prisma's order.
var havingOpNames = []string{"equals", "in", "notIn", "lt", "lte", "gt", "gte", "not"}

// havingOps are the filter operators a having condition takes; those of
// String fields also contains, startsWith and endsWith (and the by field
// itself mode).
var havingOps = map[string]Op{"equals": OpEquals, "not": OpNot, "in": OpIn, "notIn": OpNotIn,
	"lt": OpLt, "lte": OpLte, "gt": OpGt, "gte": OpGte, "contains": OpContains, "startsWith": OpStartsWith, "endsWith": OpEndsWith}

// havingFromJSON reads having object v, whose keys are in order (as
// Prisma names the fields a having misses in the order given).
func havingFromJSON(m *Model, v any, order []string) ([]HavingCond, error) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, validationErr(m, "having", "expects an object")
	}
	keys := sortedKeys(o)
	if len(order) == len(keys) {
		keys = order
	}
	var out []HavingCond
	for _, k := range keys {
		p := joinPath("having", k)
		if k == "AND" || k == "OR" || k == "NOT" {
			items, ok := o[k].([]any)
			if sub, one := o[k].(map[string]any); one {
				items, ok = []any{sub}, true
			}
			if !ok {
				return nil, validationErr(m, p, "expects an object or a list of objects")
			}
			var ws [][]HavingCond
			for _, it := range items {
				conds, err := havingFromJSON(m, it, nil)
				if err != nil {
					return nil, err
				}
				ws = append(ws, conds)
			}
			switch k {
			case "AND":
				// A conjunction, as having itself.
				for _, w := range ws {
					out = append(out, w...)
				}
			case "OR":
				if ws == nil {
					ws = [][]HavingCond{}
				}
				out = append(out, HavingCond{Or: ws})
			default:
				if ws == nil {
					continue
				}
				out = append(out, HavingCond{Not: ws})
			}
			continue
		}
		conds, err := havingFilter(m, 0, k, o[k], p)
		if err != nil {
			return nil, err
		}
		out = append(out, conds...)
	}
	return out, nil
}

// havingFilter reads the filter of field (or of its aggregate agg): a
// value (equals) or an object of operators and, for the field itself,
// aggregates.
func havingFilter(m *Model, agg AggFunc, field string, v any, path string) ([]HavingCond, error) {
	tv, typed, err := typedValue(m, v, path)
	if err != nil {
		return nil, err
	}
	fo, isObj := v.(map[string]any)
	if typed || !isObj {
		if !typed {
			tv = v
		}
		return []HavingCond{{Agg: agg, Field: field, Op: OpEquals, Value: tv}}, nil
	}
	f := m.fields[field]
	if agg == 0 && f != nil && f.Type == JSON && !f.List {
		return havingJSON(m, f, fo, path)
	}
	// mode applies to the by field's own String filter, not to an
	// aggregate's.
	_, insensitive := fo["mode"]
	if insensitive {
		if agg != 0 || f == nil || f.Type != String || f.List {
			return nil, unknownArg(m, joinPath(path, "mode"), "mode", havingOpNames)
		}
		switch fo["mode"] {
		case "insensitive":
		case "default":
			insensitive = false
		default:
			return nil, prismaMsg(m, joinPath(path, "mode"), invalidValueMsg("mode", "", "QueryMode"))
		}
	}
	var out []HavingCond
	for _, op := range sortedKeys(fo) {
		kp := joinPath(path, op)
		if op == "mode" {
			continue
		}
		if fn, isAgg := aggSelections[op]; isAgg && agg == 0 {
			conds, err := havingFilter(m, fn, field, fo[op], kp)
			if err != nil {
				return nil, err
			}
			out = append(out, conds...)
			continue
		}
		o, known := havingOps[op]
		if known && (o == OpContains || o == OpStartsWith || o == OpEndsWith) {
			// String filters: a String field's own, its _min and _max.
			known = f != nil && f.Type == String && !f.List && (agg == 0 || agg == AggMin || agg == AggMax)
		}
		if !known {
			return nil, unknownArg(m, kp, op, havingOpNames)
		}
		if fo[op] == nil && agg != 0 {
			// An aggregate's filter takes no null.
			return nil, prismaMsg(m, kp, mustNotBeNull(op))
		}
		if sub, ok := fo[op].(map[string]any); ok && o == OpNot {
			if _, ref := fieldRefJSON(sub); !ref {
				if _, typed, _ := typedValue(m, sub, kp); !typed {
					// not: {contains: "l"}, the negation of a nested filter
					// (which takes no aggregate; mode applies to it too).
					conds, err := havingFilter(m, agg, field, sub, kp)
					if err != nil {
						return nil, err
					}
					var negated []HavingCond
					for i := range conds {
						if conds[i].Agg != agg || conds[i].JSON != nil {
							return nil, unknownArg(m, kp, conds[i].Agg.String(), havingOpNames)
						}
						conds[i].Insensitive = conds[i].Insensitive || insensitive
						if conds[i].Op == OpNot && conds[i].Or == nil && conds[i].Not == nil {
							// Prisma does not negate a not inside a not:
							// {not: {not: "Red"}} is <> 'Red', as in a where.
							out = append(out, conds[i])
							continue
						}
						negated = append(negated, conds[i])
					}
					if len(negated) > 0 {
						out = append(out, HavingCond{Not: [][]HavingCond{negated}})
					}
					continue
				}
			}
		}
		if r, ok := fieldRefJSON(fo[op]); ok && o != OpNot {
			out = append(out, HavingCond{Agg: agg, Field: field, Op: o, Value: r, Insensitive: insensitive})
			continue
		}
		val, typed, err := typedValue(m, fo[op], kp)
		if err != nil {
			return nil, err
		}
		if !typed {
			val = fo[op]
		}
		out = append(out, HavingCond{Agg: agg, Field: field, Op: o, Value: val, Insensitive: insensitive})
	}
	return out, nil
}

// havingJSON reads the having filter fo of Json field f: its aggregates
// and a Json filter (path, equals, string_contains...) of the by field.
func havingJSON(m *Model, f *Field, fo map[string]any, path string) ([]HavingCond, error) {
	var out []HavingCond
	rest := map[string]any{}
	for _, k := range sortedKeys(fo) {
		fn, isAgg := aggSelections[k]
		if !isAgg {
			rest[k] = fo[k]
			continue
		}
		conds, err := havingFilter(m, fn, f.Name, fo[k], joinPath(path, k))
		if err != nil {
			return nil, err
		}
		out = append(out, conds...)
	}
	if len(rest) == 0 {
		return out, nil
	}
	conds, err := jsonFilterFromJSON(m, f, rest, path)
	if err != nil {
		return nil, err
	}
	for _, c := range conds {
		jc, ok := c.(*JSONCond)
		if !ok {
			return nil, validationErr(m, path, "unexpected Json filter %T", c)
		}
		out = append(out, HavingCond{Field: f.Name, JSON: jc})
	}
	return out, nil
}
