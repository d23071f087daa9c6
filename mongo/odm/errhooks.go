package odm

import (
	"context"
	"errors"
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
// order; each sees the error as the previous ones left it. ErrNotFound is
// not an error here (Mongoose's queries resolve to null).
func (m *Model[T]) PostError(e Event, fn ErrorHookFunc[T]) { m.errHooks.add(false, e, fn) }

// PostError registers an error-handling hook on every model built from
// the schema.
func (s *Schema) PostError(e Event, fn SchemaErrorHookFunc) *Schema {
	s.errHooks.add(false, e, fn)
	return s
}

// handleErr runs the error hooks of e when *errp holds an error. Public
// operations defer it.
func (m *Model[T]) handleErr(ctx context.Context, e Event, doc *T, errp *error) {
	if *errp == nil || errors.Is(*errp, ErrNotFound) {
		return
	}
	sh, mh := m.schema.errHooks.get(false, e), m.errHooks.get(false, e)
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
