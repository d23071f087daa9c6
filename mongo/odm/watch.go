package odm

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/odm/agg"
)

// WatchOpts are options of Model.Watch.
type WatchOpts struct {
	// Pipeline filters or reshapes events ($match on operationType, ...).
	Pipeline *agg.Pipeline
	// ResumeAfter resumes after the event with this token (an
	// invalidate event ends the stream; use StartAfter to go past it).
	ResumeAfter bson.Raw
	// StartAfter starts after the event with this token, even an
	// invalidate.
	StartAfter bson.Raw
	// FullDocument asks for the current document on update events
	// ("updateLookup"); inserts and replaces always carry it.
	FullDocument bool
	// BatchSize and MaxAwait tune the server's getMore.
	BatchSize int32
	MaxAwait  time.Duration
}

// UpdateDescription lists what an update changed.
type UpdateDescription struct {
	UpdatedFields bson.Raw `bson:"updatedFields"`
	RemovedFields []string `bson:"removedFields"`
}

// ChangeEvent is one change of a watched collection.
type ChangeEvent[T any] struct {
	// ResumeToken resumes the stream after this event.
	ResumeToken bson.Raw `bson:"_id"`
	// OperationType is insert, update, replace, delete, invalidate, drop...
	OperationType     string             `bson:"operationType"`
	DocumentKey       bson.Raw           `bson:"documentKey"`
	FullDocument      *T                 `bson:"fullDocument"`
	UpdateDescription *UpdateDescription `bson:"updateDescription"`
	ClusterTime       bson.Timestamp     `bson:"clusterTime"`
}

// ChangeStream iterates the changes of a model's collection.
type ChangeStream[T any] struct {
	cs  *mongo.ChangeStream
	ev  ChangeEvent[T]
	err error
}

// Watch opens a change stream on the model's collection. Change streams
// need a replica set or sharded cluster: a standalone server or the
// embedded FerretDB gives an *UnsupportedError (IsUnsupported).
func (m *Model[T]) Watch(ctx context.Context, o *WatchOpts) (*ChangeStream[T], error) {
	if m.offline() != nil {
		return nil, ErrNoDatabase
	}
	if o == nil {
		o = &WatchOpts{}
	}
	pipeline := mongo.Pipeline{}
	if o.Pipeline != nil {
		var err error
		if pipeline, err = o.Pipeline.Build(); err != nil {
			return nil, err
		}
	}
	co := options.ChangeStream()
	if o.ResumeAfter != nil {
		co.SetResumeAfter(o.ResumeAfter)
	}
	if o.StartAfter != nil {
		co.SetStartAfter(o.StartAfter)
	}
	if o.FullDocument {
		co.SetFullDocument(options.UpdateLookup)
	}
	if o.BatchSize > 0 {
		co.SetBatchSize(o.BatchSize)
	}
	if o.MaxAwait > 0 {
		co.SetMaxAwaitTime(o.MaxAwait)
	}
	cs, err := m.coll.Watch(ctx, pipeline, co)
	if err != nil {
		return nil, unsupported("change streams", err)
	}
	return &ChangeStream[T]{cs: cs}, nil
}

// Next waits for the next event and decodes it; false at the end of the
// stream, on error (see Err) or when ctx is done.
func (s *ChangeStream[T]) Next(ctx context.Context) bool { return s.advance(s.cs.Next(ctx)) }

// TryNext returns the next event if one is ready, without waiting for
// the server beyond one getMore.
func (s *ChangeStream[T]) TryNext(ctx context.Context) bool { return s.advance(s.cs.TryNext(ctx)) }

func (s *ChangeStream[T]) advance(ok bool) bool {
	if s.err != nil || !ok {
		return false
	}
	s.ev = ChangeEvent[T]{}
	if err := s.cs.Decode(&s.ev); err != nil {
		s.err = errorf("decode change event: %w", err)
		return false
	}
	return true
}

// Event returns the current event (valid until the next call to Next).
func (s *ChangeStream[T]) Event() *ChangeEvent[T] { return &s.ev }

// ResumeToken is the token to pass as WatchOpts.ResumeAfter to continue
// after the last event seen (or after the last batch when none was).
func (s *ChangeStream[T]) ResumeToken() bson.Raw {
	return append(bson.Raw(nil), s.cs.ResumeToken()...)
}

// Err returns the error that stopped the stream, if any.
func (s *ChangeStream[T]) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.cs.Err()
}

// Close ends the stream.
func (s *ChangeStream[T]) Close(ctx context.Context) error { return s.cs.Close(ctx) }

// AggregatePipeline validates a pipeline built with package agg and runs
// it with the model's aggregate hooks, decoding the results into out (a
// pointer to a slice).
func (m *Model[T]) AggregatePipeline(ctx context.Context, p *agg.Pipeline, out any) error {
	if m == nil {
		return ErrNoDatabase
	}
	stages, err := p.Build()
	if err != nil {
		return err
	}
	return m.Aggregate(ctx, stages, out)
}
