package odm

import (
	"bytes"
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrorHookFunc is an error-handling post hook (Mongoose's post hook that
// takes the error first): it runs when the operation, one of its pre hooks
// or one of its post hooks failed, and receives that error. Returning nil
// keeps the error; returning another error replaces it (for example a
// duplicate key error turned into a friendlier one). An error handler
// cannot make a failed operation succeed, as in Mongoose.
type ErrorHookFunc[T any] func(ctx context.Context, op *Op[T], err error) error

// SchemaErrorHookFunc is an error-handling hook registered on a schema.
type SchemaErrorHookFunc func(ctx context.Context, h *Hook, err error) error

// PostError registers an error-handling hook on e (or every event of a
// group). Schema error hooks run first, then the model's, in registration
// order; each sees the error as the previous ones left it. As in
// Mongoose, a post hook's error reaches only the error hooks registered
// after that post hook, and an InsertMany document that fails validation
// reaches the validate error hooks, not insertMany's. ErrNotFound is not
// an error here (Mongoose's queries resolve to null).
func (m *Model[T]) PostError(e Event, fn ErrorHookFunc[T]) {
	if m != nil && fn != nil {
		m.errHooks.add(false, e, fn)
	}
}

// PostError registers an error-handling hook on every model built from
// the schema.
func (s *Schema) PostError(e Event, fn SchemaErrorHookFunc) *Schema {
	if fn != nil {
		s.errHooks.add(false, e, fn)
	}
	return s
}

// handleErr runs the error hooks of e when *errp holds an error. Public
// operations defer it.
func (m *Model[T]) handleErr(ctx context.Context, e Event, doc *T, errp *error) {
	if *errp == nil || errors.Is(*errp, ErrNotFound) {
		return
	}
	sh, sseq := m.schema.errHooks.postSeq(e)
	mh, mseq := m.errHooks.postSeq(e)
	var ph *postHookError
	if errors.As(*errp, &ph) {
		// A post hook failed: only the error hooks registered after it run.
		*errp = ph.err
		if ph.model {
			sh = nil
			mh = after(mh, mseq, ph.seq)
		} else {
			sh = after(sh, sseq, ph.seq)
		}
	}
	if len(sh) == 0 && len(mh) == 0 {
		return
	}
	op := m.newOp(e)
	op.Doc = doc
	if len(sh) > 0 {
		h := &Hook{Event: e, Model: op.Model, Collection: op.Collection, access: m}
		if doc != nil {
			h.Doc = doc
		}
		for _, fn := range sh {
			if err := fn(ctx, h, *errp); err != nil {
				*errp = err
			}
		}
	}
	for _, fn := range mh {
		if err := fn(ctx, op, *errp); err != nil {
			*errp = err
		}
	}
}

// after returns the hooks of fns registered after seq.
func after[F any](fns []F, seqs []uint64, seq uint64) []F {
	for i, n := range seqs {
		if n > seq {
			return fns[i:]
		}
	}
	return nil
}

// rescue runs the pre hooks of op after its filter or update failed to
// cast or validate with err. Mongoose casts in the query's exec, after
// its pre hooks: they see the filter and update as given (op.Filter and
// op.Update hold them, converted and sanitized but not cast) and may
// replace or change them. When they did, recast casts what they left and
// decides; otherwise err stands. A pre hook's error wins over err.
func (m *Model[T]) rescue(ctx context.Context, op *Op[T], err error, recast func() error) error {
	if m.coll == nil {
		return err
	}
	before, berr := bson.Marshal(bson.D{{Key: "f", Value: op.Filter}, {Key: "u", Value: op.Update}})
	if herr := m.run(ctx, true, op); herr != nil {
		return herr
	}
	after, aerr := bson.Marshal(bson.D{{Key: "f", Value: op.Filter}, {Key: "u", Value: op.Update}})
	if berr != nil || aerr != nil || bytes.Equal(before, after) {
		return err
	}
	return recast()
}

// castThenPre casts the converted filter and update of op (cast sets
// op.Filter and op.Update) and runs its pre hooks; when the cast fails,
// the hooks get them as given and may rescue the query (see rescue).
func (m *Model[T]) castThenPre(ctx context.Context, op *Op[T], pf, pu bson.D, cast func(pf, pu bson.D) error) error {
	if err := cast(pf, pu); err != nil {
		op.Filter, op.Update = pf, pu
		return m.rescue(ctx, op, err, func() error { return cast(op.Filter, op.Update) })
	}
	return m.run(ctx, true, op)
}

// preFailed handles a filter or update of an update query that could not
// even be converted (or was refused by sanitizing): the pre hooks still
// run (with Filter and Update nil) and a pre hook's error wins over err.
func (m *Model[T]) preFailed(ctx context.Context, e Event, err error) error {
	if m.coll == nil {
		return err
	}
	if herr := m.run(ctx, true, m.newOp(e)); herr != nil {
		return herr
	}
	return err
}
