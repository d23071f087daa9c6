package odm

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrBadCursor is returned for a keyset cursor that is malformed or was
// made for another sort.
var ErrBadCursor = errors.New("odm: invalid pagination cursor")

// Page is one page of offset pagination.
type Page[T any] struct {
	Items []*T
	// Page is 1-based.
	Page  int64
	Limit int64
	Total int64
	Pages int64
}

// Page returns page number page (1-based) of limit items, with the total
// count of matching documents.
func (q *Query[T]) Page(ctx context.Context, page, limit int64) (*Page[T], error) {
	if page < 1 || limit < 1 {
		return nil, invalidf("page and limit must be >= 1 (got %d, %d)", page, limit)
	}
	total, err := q.Count(ctx)
	if err != nil {
		return nil, err
	}
	qq := *q
	qq.skip, qq.limit = (page-1)*limit, limit
	items, err := qq.All(ctx)
	if err != nil {
		return nil, err
	}
	return &Page[T]{Items: items, Page: page, Limit: limit, Total: total, Pages: (total + limit - 1) / limit}, nil
}

// KeysetPage is one page of keyset pagination.
type KeysetPage[T any] struct {
	Items []*T
	// Next is the opaque cursor of the following page, "" after the last.
	Next string
}

// keysetSort is the query's sort with _id appended as the tie-breaker.
func (q *Query[T]) keysetSort() bson.D {
	s := append(bson.D(nil), q.sort...)
	for _, e := range s {
		if e.Key == "_id" {
			return s
		}
	}
	return append(s, bson.E{Key: "_id", Value: 1})
}

func sortSig(s bson.D) uint32 {
	h := fnv.New32a()
	for _, e := range s {
		fmt.Fprintf(h, "%s:%v;", e.Key, e.Value)
	}
	return h.Sum32()
}

type cursorDoc struct {
	Sig    uint32 `bson:"s"`
	Values bson.A `bson:"v"`
}

// Keyset returns limit items after the cursor (after == "" for the first
// page), ordered by the query's sort plus _id. The cursor is stable under
// inserts and deletes, unlike offsets. Sort paths must be present in every
// document (not null).
func (q *Query[T]) Keyset(ctx context.Context, after string, limit int64) (*KeysetPage[T], error) {
	if limit < 1 {
		return nil, invalidf("limit must be >= 1")
	}
	sort := q.keysetSort()
	qq := *q
	qq.sort, qq.limit, qq.skip = sort, limit+1, 0
	if after != "" {
		vals, err := decodeCursor(after, sort)
		if err != nil {
			return nil, err
		}
		base, err := q.m.filter(q.filter)
		if err != nil {
			return nil, err
		}
		qq.filter = bson.D{{Key: "$and", Value: bson.A{base, keysetFilter(sort, vals)}}}
	}
	items, err := qq.All(ctx)
	if err != nil {
		return nil, err
	}
	page := &KeysetPage[T]{Items: items}
	if int64(len(items)) > limit {
		page.Items = items[:limit]
		next, err := encodeCursor(page.Items[limit-1], sort)
		if err != nil {
			return nil, err
		}
		page.Next = next
	}
	return page, nil
}

// keysetFilter selects documents strictly after vals in sort order:
// (k0 > v0) or (k0 = v0 and k1 > v1) or ...
func keysetFilter(sort bson.D, vals bson.A) bson.D {
	or := make(bson.A, 0, len(sort))
	for i := range sort {
		clause := bson.D{}
		for j := 0; j < i; j++ {
			clause = append(clause, bson.E{Key: sort[j].Key, Value: vals[j]})
		}
		op := "$gt"
		if normString(sort[i].Value) == "-1" {
			op = "$lt"
		}
		clause = append(clause, bson.E{Key: sort[i].Key, Value: bson.D{{Key: op, Value: vals[i]}}})
		or = append(or, clause)
	}
	return bson.D{{Key: "$or", Value: or}}
}

func encodeCursor[T any](doc *T, sort bson.D) (string, error) {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return "", err
	}
	vals := make(bson.A, len(sort))
	for i, e := range sort {
		rv, err := bson.Raw(raw).LookupErr(splitDots(e.Key)...)
		if err != nil {
			return "", errorf("keyset sort path %q missing from a document: %w", e.Key, err)
		}
		vals[i] = rv
	}
	b, err := bson.Marshal(cursorDoc{Sig: sortSig(sort), Values: vals})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func decodeCursor(s string, sort bson.D) (bson.A, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	var c cursorDoc
	if err := bson.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	if c.Sig != sortSig(sort) || len(c.Values) != len(sort) {
		return nil, fmt.Errorf("%w: made for another sort", ErrBadCursor)
	}
	for _, v := range c.Values {
		if hasOperator(v) {
			return nil, fmt.Errorf("%w: values may not hold operators", ErrBadCursor)
		}
	}
	return c.Values, nil
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// hasOperator reports whether a decoded value holds a "$" key anywhere.
func hasOperator(v any) bool {
	switch x := v.(type) {
	case bson.D:
		for _, e := range x {
			if len(e.Key) > 0 && e.Key[0] == '$' || hasOperator(e.Value) {
				return true
			}
		}
	case bson.A:
		for _, e := range x {
			if hasOperator(e) {
				return true
			}
		}
	}
	return false
}
