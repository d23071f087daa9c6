package odm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TextOpts tune a $text search.
type TextOpts struct {
	// Language picks the stemmer and stop words ("none" for neither);
	// empty uses the index's default language.
	Language           string
	CaseSensitive      bool
	DiacriticSensitive bool
}

// Text returns the filter element {$text: {$search: search, ...}}. The
// collection needs a text index (Schema.AddIndex with a "text" key).
//
//	posts.Find(bson.D{odm.Text("mongodb -sql", nil), {Key: "status", Value: "published"}})
func Text(search string, o *TextOpts) bson.E {
	d := bson.D{{Key: "$search", Value: search}}
	if o != nil {
		if o.Language != "" {
			d = append(d, bson.E{Key: "$language", Value: o.Language})
		}
		if o.CaseSensitive {
			d = append(d, bson.E{Key: "$caseSensitive", Value: true})
		}
		if o.DiacriticSensitive {
			d = append(d, bson.E{Key: "$diacriticSensitive", Value: true})
		}
	}
	return bson.E{Key: "$text", Value: d}
}

// textScoreField is where TextSearch asks the server to put the score;
// it is removed before documents are decoded and tracked.
const textScoreField = "__textScore"

// Scored is a document with its text search score.
type Scored[T any] struct {
	Doc   *T
	Score float64
}

// TextSearchOpts are options of Model.TextSearch.
type TextSearchOpts struct {
	TextOpts
	// Filter narrows the search with more conditions (cast as usual).
	Filter any
	// Limit returns at most this many documents (the best ones).
	Limit int64
	// MinScore drops documents scoring below it.
	MinScore float64
}

// TextSearch runs a $text query sorted by relevance (best first) and
// returns each document with its score. Documents are hydrated (Save
// works on them) and find hooks run. A server without text search (the
// embedded FerretDB) gives an *UnsupportedError.
func (m *Model[T]) TextSearch(ctx context.Context, search string, o *TextSearchOpts) ([]Scored[T], error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	if o == nil {
		o = &TextSearchOpts{}
	}
	if o.Limit < 0 {
		return nil, errorf("TextSearch: negative limit")
	}
	extra, err := toD(o.Filter)
	if err != nil {
		return nil, err
	}
	q := m.Find(append(bson.D{Text(search, &o.TextOpts)}, extra...))
	op, err := q.prepare(ctx, EventFind)
	if err != nil {
		return nil, err
	}
	meta := bson.D{{Key: "$meta", Value: "textScore"}}
	proj := append(bson.D{{Key: textScoreField, Value: meta}}, q.projection()...)
	fo := options.Find().SetProjection(proj).SetSort(bson.D{{Key: textScoreField, Value: meta}})
	if o.Limit > 0 {
		fo.SetLimit(o.Limit)
	}
	cur, err := m.coll.Find(ctx, op.Filter, fo)
	if err != nil {
		return nil, unsupported("text search", err)
	}
	defer cur.Close(ctx)
	var out []Scored[T]
	for cur.Next(ctx) {
		score, _ := cur.Current.Lookup(textScoreField).AsFloat64OK()
		if score < o.MinScore {
			continue
		}
		raw, err := without(cur.Current, textScoreField)
		if err != nil {
			return nil, err
		}
		doc, err := m.Hydrate(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, Scored[T]{Doc: doc, Score: score})
		op.Docs = append(op.Docs, doc)
	}
	if err := cur.Err(); err != nil {
		return nil, unsupported("text search", err)
	}
	return out, m.run(ctx, false, op)
}

// without returns raw minus the top-level key.
func without(raw bson.Raw, key string) (bson.Raw, error) {
	elems, err := raw.Elements()
	if err != nil {
		return nil, err
	}
	d := make(bson.D, 0, len(elems))
	for _, e := range elems {
		if e.Key() != key {
			d = append(d, bson.E{Key: e.Key(), Value: e.Value()})
		}
	}
	return bson.Marshal(d)
}

// ErrInvalidGeo is wrapped by *GeoError.
var ErrInvalidGeo = errors.New("odm: invalid geospatial value")

// GeoError is an invalid coordinate, distance or shape given to a
// geospatial helper.
type GeoError struct {
	Field string
	Msg   string
}

func (e *GeoError) Error() string { return fmt.Sprintf("odm: geo filter on %q: %s", e.Field, e.Msg) }
func (e *GeoError) Unwrap() error { return ErrInvalidGeo }

// Point is a GeoJSON point, the value a 2dsphere index stores:
// {type: "Point", coordinates: [lng, lat]}. Longitude comes first.
type Point struct {
	Type        string     `bson:"type" json:"type"`
	Coordinates [2]float64 `bson:"coordinates" json:"coordinates"`
}

// NewPoint returns the GeoJSON point at longitude lng, latitude lat.
func NewPoint(lng, lat float64) Point {
	return Point{Type: "Point", Coordinates: [2]float64{lng, lat}}
}

// Lng returns the longitude.
func (p Point) Lng() float64 { return p.Coordinates[0] }

// Lat returns the latitude.
func (p Point) Lat() float64 { return p.Coordinates[1] }

func checkLngLat(field string, c [2]float64) error {
	lng, lat := c[0], c[1]
	if math.IsNaN(lng) || math.IsNaN(lat) || lng < -180 || lng > 180 || lat < -90 || lat > 90 {
		return &GeoError{Field: field, Msg: fmt.Sprintf("[%g, %g] is not a [longitude, latitude] pair within [-180, 180] x [-90, 90]", lng, lat)}
	}
	return nil
}

func checkDistance(field, name string, d float64) error {
	if math.IsNaN(d) || math.IsInf(d, 0) || d < 0 {
		return &GeoError{Field: field, Msg: fmt.Sprintf("%s must be a finite distance >= 0 meters, got %g", name, d)}
	}
	return nil
}

// NearOpts bound a $near search, in meters.
type NearOpts struct {
	MinDistance float64
	MaxDistance float64 // 0: no bound
}

// Near returns {field: {$near: {$geometry: point, $minDistance,
// $maxDistance}}}: documents sorted nearest first. It needs a 2dsphere
// index on field.
func Near(field string, p Point, o *NearOpts) (bson.E, error) {
	if err := checkLngLat(field, p.Coordinates); err != nil {
		return bson.E{}, err
	}
	near := bson.D{{Key: "$geometry", Value: NewPoint(p.Lng(), p.Lat())}}
	if o != nil {
		if err := checkDistance(field, "MinDistance", o.MinDistance); err != nil {
			return bson.E{}, err
		}
		if err := checkDistance(field, "MaxDistance", o.MaxDistance); err != nil {
			return bson.E{}, err
		}
		if o.MaxDistance > 0 && o.MaxDistance < o.MinDistance {
			return bson.E{}, &GeoError{Field: field, Msg: "MaxDistance is below MinDistance"}
		}
		if o.MinDistance > 0 {
			near = append(near, bson.E{Key: "$minDistance", Value: o.MinDistance})
		}
		if o.MaxDistance > 0 {
			near = append(near, bson.E{Key: "$maxDistance", Value: o.MaxDistance})
		}
	}
	return bson.E{Key: field, Value: bson.D{{Key: "$near", Value: near}}}, nil
}

// earthRadiusMeters is the radius $centerSphere distances are divided by.
const earthRadiusMeters = 6378100.0

// WithinRadius returns {field: {$geoWithin: {$centerSphere: [[lng, lat],
// radians]}}}: documents within meters of center, unsorted (no index
// required, a 2dsphere index speeds it up).
func WithinRadius(field string, center Point, meters float64) (bson.E, error) {
	if err := checkLngLat(field, center.Coordinates); err != nil {
		return bson.E{}, err
	}
	if err := checkDistance(field, "radius", meters); err != nil {
		return bson.E{}, err
	}
	return bson.E{Key: field, Value: bson.D{{Key: "$geoWithin", Value: bson.D{{Key: "$centerSphere", Value: bson.A{
		bson.A{center.Lng(), center.Lat()}, meters / earthRadiusMeters,
	}}}}}}, nil
}

// WithinPolygon returns {field: {$geoWithin: {$geometry: {type:
// "Polygon", coordinates: [ring]}}}} for the ring of [lng, lat] vertices
// (closed automatically).
func WithinPolygon(field string, ring ...[2]float64) (bson.E, error) {
	if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
		ring = ring[:len(ring)-1]
	}
	if len(ring) < 3 {
		return bson.E{}, &GeoError{Field: field, Msg: "a polygon needs at least 3 distinct vertices"}
	}
	coords := make(bson.A, 0, len(ring)+1)
	for _, c := range append(ring, ring[0]) {
		if err := checkLngLat(field, c); err != nil {
			return bson.E{}, err
		}
		coords = append(coords, bson.A{c[0], c[1]})
	}
	return bson.E{Key: field, Value: bson.D{{Key: "$geoWithin", Value: bson.D{{Key: "$geometry", Value: bson.D{
		{Key: "type", Value: "Polygon"}, {Key: "coordinates", Value: bson.A{coords}},
	}}}}}}, nil
}

// WithinBox is WithinPolygon for the rectangle between the south-west and
// north-east corners.
func WithinBox(field string, southWest, northEast Point) (bson.E, error) {
	sw, ne := southWest.Coordinates, northEast.Coordinates
	if sw[0] >= ne[0] || sw[1] >= ne[1] {
		if err := checkLngLat(field, sw); err != nil {
			return bson.E{}, err
		}
		return bson.E{}, &GeoError{Field: field, Msg: "southWest must be below and left of northEast"}
	}
	return WithinPolygon(field, sw, [2]float64{ne[0], sw[1]}, ne, [2]float64{sw[0], ne[1]})
}

// ErrUnsupported is wrapped by *UnsupportedError; it wraps
// errors.ErrUnsupported.
var ErrUnsupported = fmt.Errorf("odm: the server does not support this: %w", errors.ErrUnsupported)

// UnsupportedError is a feature the server lacks: change streams on a
// standalone server or on FerretDB, text search without a text index
// implementation, transactions (WithTransaction) outside a replica set or
// on FerretDB, an index kind (SyncIndexes) the server does not have.
type UnsupportedError struct {
	Feature string
	Err     error
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("odm: %s is not supported by this server: %v", e.Feature, e.Err)
}

// Unwrap returns ErrUnsupported and the server's error.
func (e *UnsupportedError) Unwrap() []error { return []error{ErrUnsupported, e.Err} }

// IsUnsupported reports whether err is an *UnsupportedError.
func IsUnsupported(err error) bool { return errors.Is(err, ErrUnsupported) }

// Server error codes meaning "this server cannot do that".
var unsupportedCodes = map[int32]bool{
	59:    true, // CommandNotFound
	115:   true, // CommandNotSupported
	238:   true, // NotImplemented (FerretDB)
	40573: true, // $changeStream only on replica sets
}

// unsupported wraps err in an *UnsupportedError when the server says it
// lacks the feature.
func unsupported(feature string, err error) error {
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		// FerretDB refuses $text as an unknown operator (BadValue) and a
		// textScore sort as an illegal key (15974); a real MongoDB without
		// a text index says IndexNotFound (27), which stays as it is.
		textGap := feature == "text search" && (ce.Code == 2 || ce.Code == 15974) &&
			(strings.Contains(ce.Message, "$text") || strings.Contains(ce.Message, "textScore"))
		if unsupportedCodes[ce.Code] || textGap {
			return &UnsupportedError{Feature: feature, Err: err}
		}
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for c := range unsupportedCodes {
			if se.HasErrorCode(int(c)) {
				return &UnsupportedError{Feature: feature, Err: err}
			}
		}
	}
	return err
}
