package odm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type ErrGadget struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Name string        `bson:"name" odm:"required,unique"`
	Qty  int           `bson:"qty" odm:"min=0"`
	V    int64         `bson:"__v"`
}

// errKind names an error as hooks.js does: invalid (a validation or cast
// error), duplicate key, or its message.
func errKind(err error) string {
	switch {
	case errors.Is(err, errReplaced):
		return errReplaced.Error()
	case errors.Is(err, odm.ErrValidation):
		return "invalid"
	case odm.IsDuplicateKey(err):
		return "duplicate key"
	}
	return err.Error()
}

var errReplaced = errors.New("replaced by err2")

// TestMongooseErrorHooks runs the error-handling middleware cases of
// hooks.js ("errors" in hooks.json) through odm: which hooks and error
// handlers run, in order, what error each handler sees and what error the
// caller gets.
func TestMongooseErrorHooks(t *testing.T) {
	var fx struct {
		Errors []struct {
			Op    string   `json:"op"`
			Hooks []string `json:"hooks"`
			Error *string  `json:"error"`
		} `json:"errors"`
	}
	readHooksFixture(t, &fx)
	require.NotEmpty(t, fx.Errors)

	ctx := context.Background()
	db := devenv.Mongo(t)
	refused := func(what string) error { return errors.New(what + " hook refused") }
	rows := map[string]struct {
		run   func(m *odm.Model[ErrGadget]) error
		extra string
	}{
		"Validate invalid":                           {run: func(m *odm.Model[ErrGadget]) error { return m.Validate(ctx, &ErrGadget{Qty: -1}) }},
		"Create invalid":                             {run: func(m *odm.Model[ErrGadget]) error { return m.Create(ctx, &ErrGadget{Qty: -1}) }},
		"Create duplicate":                           {run: func(m *odm.Model[ErrGadget]) error { return m.Create(ctx, &ErrGadget{Name: "a"}) }},
		"Create pre save fails":                      {extra: "pre save fails", run: func(m *odm.Model[ErrGadget]) error { return m.Create(ctx, &ErrGadget{Name: "b"}) }},
		"Create post save fails before the handlers": {extra: "post save fails first", run: func(m *odm.Model[ErrGadget]) error { return m.Create(ctx, &ErrGadget{Name: "b"}) }},
		"Create post save fails after the handlers":  {extra: "post save fails last", run: func(m *odm.Model[ErrGadget]) error { return m.Create(ctx, &ErrGadget{Name: "b"}) }},
		"InsertMany invalid":                         {run: func(m *odm.Model[ErrGadget]) error { return m.InsertMany(ctx, []*ErrGadget{{Qty: -1}}) }},
		"InsertMany duplicate":                       {run: func(m *odm.Model[ErrGadget]) error { return m.InsertMany(ctx, []*ErrGadget{{Name: "a"}}) }},
		"UpdateOne invalid": {run: func(m *odm.Model[ErrGadget]) error {
			_, err := m.UpdateOne(ctx, bson.M{"name": "a"}, bson.M{"$set": bson.M{"qty": -1}}, nil)
			return err
		}},
		"UpdateOne cast error": {run: func(m *odm.Model[ErrGadget]) error {
			_, err := m.UpdateOne(ctx, bson.M{"name": "a"}, bson.M{"$set": bson.M{"qty": "zz"}}, nil)
			return err
		}},
		"UpdateOne pre updateOne fails": {extra: "pre updateOne fails", run: func(m *odm.Model[ErrGadget]) error {
			_, err := m.UpdateOne(ctx, bson.M{"name": "a"}, bson.M{"$set": bson.M{"qty": 2}}, nil)
			return err
		}},
		"FindOneAndUpdate invalid": {run: func(m *odm.Model[ErrGadget]) error {
			_, err := m.FindOneAndUpdate(ctx, bson.M{"name": "a"}, bson.M{"$set": bson.M{"qty": -1}}, nil)
			return err
		}},
		"FindOneAndUpdate ok": {run: func(m *odm.Model[ErrGadget]) error {
			_, err := m.FindOneAndUpdate(ctx, bson.M{"name": "a"}, bson.M{"$set": bson.M{"qty": 2}}, nil)
			return err
		}},
	}
	events := []odm.Event{odm.EventValidate, odm.EventSave, odm.EventInsertMany, odm.EventUpdateOne, odm.EventFindOneAndUpdate}
	for _, c := range fx.Errors {
		t.Run(c.Op, func(t *testing.T) {
			r, ok := rows[c.Op]
			require.True(t, ok, "hooks.js case %q has no row here", c.Op)
			var log []string
			s := odm.MustSchemaFor[ErrGadget](nil)
			if r.extra == "post save fails first" {
				s.Post(odm.EventSave, func(context.Context, *odm.Hook) error {
					log = append(log, "post save (fails)")
					return refused("post")
				})
			}
			for _, e := range events {
				s.Pre(e, func(ctx context.Context, h *odm.Hook) error {
					log = append(log, "pre "+string(h.Event))
					return nil
				})
				s.Post(e, func(ctx context.Context, h *odm.Hook) error {
					log = append(log, "post "+string(h.Event))
					return nil
				})
				for i, replace := range []bool{false, true, false} {
					name := []string{"err1 ", "err2 ", "err3 "}[i]
					s.PostError(e, func(ctx context.Context, h *odm.Hook, err error) error {
						log = append(log, name+string(h.Event)+": "+errKind(err))
						if replace {
							return errReplaced
						}
						return nil
					})
				}
			}
			switch r.extra {
			case "pre save fails":
				s.Pre(odm.EventSave, func(context.Context, *odm.Hook) error { return refused("pre") })
			case "pre updateOne fails":
				s.Pre(odm.EventUpdateOne, func(context.Context, *odm.Hook) error { return refused("pre") })
			case "post save fails last":
				s.Post(odm.EventSave, func(context.Context, *odm.Hook) error {
					log = append(log, "post save (fails)")
					return refused("post")
				})
			}
			coll := db.Collection("errgadgets")
			_, err := coll.DeleteMany(ctx, bson.M{})
			require.NoError(t, err)
			m := odm.MustModel[ErrGadget](db, "ErrGadget", s, nil)
			_, err = m.SyncIndexes(ctx, nil)
			require.NoError(t, err)
			_, err = coll.InsertOne(ctx, bson.M{"name": "a", "qty": 1, "__v": 0})
			require.NoError(t, err)

			err = r.run(m)
			require.Equal(t, c.Hooks, log, "Mongoose ran these hooks and handlers (testdata/mongoose/hooks.json)")
			if c.Error == nil {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				require.Equal(t, *c.Error, errKind(err))
			}
		})
	}
}
