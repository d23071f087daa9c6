package typed_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/stretchr/testify/require"
)

type nilUser struct{ ID int }

// A zero or nil-backed Delegate, nil args and zero handles never panic: the
// calls that need a database or a model say so with an error.
func TestNilAndEmptyArguments(t *testing.T) {
	ctx := context.Background()
	var zero typed.Delegate[nilUser]
	noDB := typed.NewDelegate[nilUser](nil, nil)
	var fa *typed.FindArgs[nilUser]
	var cases []nopanic.Case
	for name, d := range map[string]typed.Delegate[nilUser]{"zero Delegate": zero, "Delegate without DB or model": noDB} {
		cases = append(cases,
			nopanic.Case{Name: name + " FindMany", Call: func() error { _, err := d.FindMany(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " FindFirst", Call: func() error { _, err := d.FindFirst(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " FindUnique", Call: func() error { _, err := d.FindUnique(ctx, typed.Unique[nilUser]{}, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " Count", Call: func() error { _, err := d.Count(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " Create", Call: func() error { _, err := d.Create(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " CreateMany", Call: func() error { _, err := d.CreateMany(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " Update", Call: func() error { _, err := d.Update(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " UpdateMany", Call: func() error { _, err := d.UpdateMany(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " Upsert", Call: func() error { _, err := d.Upsert(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " Delete", Call: func() error { _, err := d.Delete(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " DeleteMany", Call: func() error { _, err := d.DeleteMany(ctx); return err }, WantErr: true},
			nopanic.Case{Name: name + " Aggregate", Call: func() error { _, err := d.Aggregate(ctx, nil); return err }, WantErr: true},
			nopanic.Case{Name: name + " GroupBy", Call: func() error { _, err := d.GroupBy(ctx, nil); return err }, WantErr: true},
		)
	}
	cases = append(cases,
		nopanic.Case{Name: "nil FindArgs Orm", Call: func() error { fa.Orm(); return nil }},
		nopanic.Case{Name: "zero Field conditions", Call: func() error {
			f := typed.Field[nilUser, int]{}
			f.Equals(0).Orm()
			f.In().Orm()
			f.Asc()
			return nil
		}},
		nopanic.Case{Name: "zero Cond Orm", Call: func() error { typed.Cond[nilUser]{}.Orm(); return nil }},
		nopanic.Case{Name: "zero Include Orm", Call: func() error { typed.Include[nilUser]{}.Orm(); return nil }},
	)
	nopanic.Run(t, cases)
}

// The error of a call without a model names no empty model ("invalid query
// on : :" before).
func TestNoModelErrorMessage(t *testing.T) {
	_, err := typed.NewDelegate[nilUser](nil, nil).Create(context.Background(), nil)
	require.EqualError(t, err, "orm: invalid query: Create needs arguments")
}
