package orm

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddWhere returns a copy of op.Args with cond added to its Where (for
// every action that has one; create and createMany are left unchanged).
// Hooks use it to scope queries without mutating the caller's arguments.
func AddWhere(op *Operation, cond Cond) {
	with := func(w Where) Where {
		out := make(Where, 0, len(w)+1)
		return append(append(out, w...), cond)
	}
	switch a := op.Args.(type) {
	case *FindArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	case *UpdateArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	case *UpsertArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	case *DeleteArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	case *CountArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	case *AggregateArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	case *GroupByArgs:
		cp := *a
		cp.Where = with(a.Where)
		op.Args = &cp
	}
}

// SetData returns a copy of op.Args where every row to be created gets
// field = value (create, createMany, and the create branch of upsert).
func SetData(op *Operation, field string, value any) {
	with := func(d Data) Data {
		out := make(Data, len(d)+1)
		for k, v := range d {
			out[k] = v
		}
		out[field] = value
		return out
	}
	switch a := op.Args.(type) {
	case *CreateArgs:
		cp := *a
		cp.Data = with(a.Data)
		op.Args = &cp
	case *CreateManyArgs:
		cp := *a
		cp.Data = make([]Data, len(a.Data))
		for i, d := range a.Data {
			cp.Data[i] = with(d)
		}
		op.Args = &cp
	case *UpsertArgs:
		cp := *a
		cp.Create = with(a.Create)
		op.Args = &cp
	}
}

// SoftDelete turns delete into an update setting field (a nullable
// DateTime such as "deletedAt") to now, deleteMany into updateMany, and
// makes every read, count, aggregate and update of the models that have the
// field skip rows where it is set. The same holds wherever such a model is
// reached through a relation: included relations, relation filters,
// relation counts and orderings, and nested writes, whose deletes become
// updates of field. Models restricts it (nil: every model that has the
// field).
func SoftDelete(field string, models ...string) *Extension {
	return &Extension{
		Name:         "softDelete",
		Models:       models,
		Scope:        withField(field, func() Where { return Where{Eq(field, nil)} }),
		NestedDelete: withField(field, func() Data { return Data{field: time.Now().UTC()} }),
		Query: func(ctx context.Context, op *Operation, next Next) (any, error) {
			if op.Model.Field(field) == nil {
				return next(ctx, op)
			}
			alive := Eq(field, nil)
			switch op.Action {
			case ActionDelete, ActionDeleteMany:
				a := op.Args.(*DeleteArgs)
				ua := &UpdateArgs{Where: append(append(Where{}, a.Where...), alive), Data: Data{field: time.Now().UTC()},
					Limit: a.Limit, Select: a.Select, Include: a.Include}
				if op.Action == ActionDelete {
					op.Action = ActionUpdate
				} else {
					op.Action = ActionUpdateMany
				}
				op.Args = ua
			case ActionCreate, ActionCreateMany, ActionCreateManyAndReturn:
			default:
				AddWhere(op, alive)
			}
			return next(ctx, op)
		},
	}
}

// withField returns a per-model hook giving v() for models that have field
// and nil for the others.
func withField[T Where | Data](field string, v func() T) func(m *Model) T {
	return func(m *Model) T {
		if m.Field(field) == nil {
			return nil
		}
		return v()
	}
}

// TenantSetting is the setting Tenant sets for row-level security policies:
// current_setting('app.current_tenant').
const TenantSetting = "app.current_tenant"

// Tenant scopes a client to one tenant: every operation on a model that
// has field gets field = tenantID in its Where, every created row gets it
// in its Data, and every transaction (single operations included) first
// runs set_config('app.current_tenant', tenantID, true) so PostgreSQL
// row-level security policies apply as a second line of defence. Rows
// reached through relations (includes, relation filters, counts and
// orderings, nested writes) are scoped the same way, and rows created by
// nested writes get field = tenantID, so a tenant never sees or touches
// another tenant's rows even without row-level security.
func Tenant(field, tenantID string) *Extension {
	return &Extension{
		Name:         "tenant",
		Scope:        withField(field, func() Where { return Where{Eq(field, tenantID)} }),
		NestedCreate: withField(field, func() Data { return Data{field: tenantID} }),
		Query: func(ctx context.Context, op *Operation, next Next) (any, error) {
			if op.Model.Field(field) == nil {
				return next(ctx, op)
			}
			switch op.Action {
			case ActionCreate, ActionCreateMany, ActionCreateManyAndReturn:
				SetData(op, field, tenantID)
			case ActionUpsert:
				SetData(op, field, tenantID)
				AddWhere(op, Eq(field, tenantID))
			default:
				AddWhere(op, Eq(field, tenantID))
			}
			return next(ctx, op)
		},
		TxSetup: func(ctx context.Context, tx pgx.Tx) error {
			_, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", TenantSetting, tenantID)
			return err
		},
	}
}

// SlogHandler returns an OnQuery callback logging each statement at level
// (errors at slog.LevelError) with its SQL, argument count, duration and
// rows; argument values are never logged.
func SlogHandler(logger *slog.Logger, level slog.Level) func(context.Context, QueryEvent) {
	return func(ctx context.Context, e QueryEvent) {
		lvl := level
		attrs := []slog.Attr{
			slog.String("sql", e.SQL), slog.Int("args", e.Args),
			slog.Duration("duration", e.Duration), slog.Int64("rows", e.Rows),
		}
		if e.Model != "" {
			attrs = append(attrs, slog.String("model", e.Model))
		}
		if e.Action != "" {
			attrs = append(attrs, slog.String("action", string(e.Action)))
		}
		if e.Err != nil {
			lvl = slog.LevelError
			attrs = append(attrs, slog.String("error", e.Err.Error()))
		}
		logger.LogAttrs(ctx, lvl, "orm query", attrs...)
	}
}

// ChainOnQuery combines several OnQuery callbacks (logging and tracing).
func ChainOnQuery(fs ...func(context.Context, QueryEvent)) func(context.Context, QueryEvent) {
	return func(ctx context.Context, e QueryEvent) {
		for _, f := range fs {
			if f != nil {
				f(ctx, e)
			}
		}
	}
}
