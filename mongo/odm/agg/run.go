package agg

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// RunOpts are per-call options of All, Cursor and Explain.
type RunOpts struct {
	// AllowDiskUse lets stages spill to disk on large inputs.
	AllowDiskUse bool
	// BatchSize is the cursor batch size (0: server default).
	BatchSize int32
	// Hint names an index for the initial $match.
	Hint any
	// Comment is attached to the command, visible in the profiler and logs.
	Comment string
}

func (o *RunOpts) options() *options.AggregateOptionsBuilder {
	b := options.Aggregate()
	if o == nil {
		return b
	}
	if o.AllowDiskUse {
		b.SetAllowDiskUse(true)
	}
	if o.BatchSize > 0 {
		b.SetBatchSize(o.BatchSize)
	}
	if o.Hint != nil {
		b.SetHint(o.Hint)
	}
	if o.Comment != "" {
		b.SetComment(o.Comment)
	}
	return b
}

// Cursor validates p and runs it on coll.
func Cursor(ctx context.Context, coll *mongo.Collection, p *Pipeline, opts *RunOpts) (*mongo.Cursor, error) {
	stages, err := p.Build()
	if err != nil {
		return nil, err
	}
	return coll.Aggregate(ctx, stages, opts.options())
}

// All validates p, runs it on coll and decodes every result into a T.
func All[T any](ctx context.Context, coll *mongo.Collection, p *Pipeline, opts *RunOpts) ([]T, error) {
	cur, err := Cursor(ctx, coll, p, opts)
	if err != nil {
		return nil, err
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("agg: decode results: %w", err)
	}
	return out, nil
}

// One runs p and decodes the first result into a T. It returns
// mongo.ErrNoDocuments when the pipeline yields nothing.
func One[T any](ctx context.Context, coll *mongo.Collection, p *Pipeline, opts *RunOpts) (T, error) {
	var zero T
	cur, err := Cursor(ctx, coll, p, opts)
	if err != nil {
		return zero, err
	}
	defer cur.Close(ctx)
	if !cur.Next(ctx) {
		if err := cur.Err(); err != nil {
			return zero, err
		}
		return zero, mongo.ErrNoDocuments
	}
	var v T
	if err := cur.Decode(&v); err != nil {
		return zero, fmt.Errorf("agg: decode result: %w", err)
	}
	return v, nil
}

// Explain runs the explain command for p on coll with the given verbosity
// ("queryPlanner", "executionStats" or "allPlansExecution"; empty means
// "queryPlanner") and returns the server's raw reply.
func Explain(ctx context.Context, coll *mongo.Collection, p *Pipeline, verbosity string) (bson.Raw, error) {
	stages, err := p.Build()
	if err != nil {
		return nil, err
	}
	if verbosity == "" {
		verbosity = "queryPlanner"
	}
	switch verbosity {
	case "queryPlanner", "executionStats", "allPlansExecution":
	default:
		return nil, &BuildError{Stage: -1, Msg: fmt.Sprintf("unknown explain verbosity %q", verbosity)}
	}
	cmd := bson.D{
		{Key: "explain", Value: bson.D{
			{Key: "aggregate", Value: coll.Name()},
			{Key: "pipeline", Value: stages},
			{Key: "cursor", Value: bson.D{}},
		}},
		{Key: "verbosity", Value: verbosity},
	}
	raw, err := coll.Database().RunCommand(ctx, cmd).Raw()
	if err != nil {
		return nil, err
	}
	return raw, nil
}

// IsInvalid reports whether err is a pipeline validation error.
func IsInvalid(err error) bool { return errors.Is(err, ErrInvalidPipeline) }
