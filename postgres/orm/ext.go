package orm

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/polystore/polystore/internal/queryevent"
)

// Action names an operation (Prisma's names).
type Action = queryevent.Action

// Actions.
const (
	ActionFindUnique        Action = "findUnique"
	ActionFindUniqueOrThrow Action = "findUniqueOrThrow"
	ActionFindFirst         Action = "findFirst"
	ActionFindFirstOrThrow  Action = "findFirstOrThrow"
	ActionFindMany          Action = "findMany"
	ActionCreate            Action = "create"
	ActionCreateMany        Action = "createMany"
	ActionUpdate            Action = "update"
	ActionUpdateMany        Action = "updateMany"
	ActionUpsert            Action = "upsert"
	ActionDelete            Action = "delete"
	ActionDeleteMany        Action = "deleteMany"
	ActionCount             Action = "count"
	ActionAggregate         Action = "aggregate"
	ActionGroupBy           Action = "groupBy"
	ActionQueryRaw          Action = "queryRaw"
	ActionExecuteRaw        Action = "executeRaw"
)

// Operation is one model operation as seen by query hooks. Hooks may
// replace Args (same type as the action expects, see below) or change
// Action to another with the same result type (delete -> update,
// deleteMany -> updateMany: that is how soft delete works).
//
// Args by action: find* -> *FindArgs; create -> *CreateArgs; createMany,
// createManyAndReturn -> *CreateManyArgs; update, updateMany,
// updateManyAndReturn -> *UpdateArgs; upsert ->
// *UpsertArgs; delete, deleteMany -> *DeleteArgs; count -> *CountArgs;
// aggregate -> *AggregateArgs; groupBy -> *GroupByArgs.
//
// Results: findMany -> []T; findUnique/findFirst -> *T (nil if none);
// create/update/upsert/delete and the OrThrow finds -> *T;
// createManyAndReturn, updateManyAndReturn -> []T; createMany,
// updateMany, deleteMany, count -> int64; aggregate -> *AggregateResult;
// groupBy -> []Group.
type Operation struct {
	Model  *Model
	Action Action
	Args   any

	typ reflect.Type // result row type
}

// Next runs the rest of the hook chain and the operation.
type Next func(ctx context.Context, op *Operation) (any, error)

// QueryHook intercepts operations: it may inspect or rewrite op, call next
// (or not), and inspect or replace the result.
type QueryHook func(ctx context.Context, op *Operation, next Next) (any, error)

// Extension extends a client (Prisma's $extends). All fields are optional.
type Extension struct {
	Name string
	// Models restricts Query and Result to these models (nil: all models).
	Models []string
	// Actions restricts Query to these actions (nil: all actions).
	Actions []Action
	// Query wraps matching operations.
	Query QueryHook
	// Result is called with a pointer to each row returned by a matching
	// operation (computed fields: fill a field the struct declares).
	Result func(m *Model, row any)
	// TxSetup runs at the start of every transaction the client opens; when
	// any extension sets it, single operations also run in a transaction so
	// the setup applies to them (tenant scoping with set_config).
	TxSetup func(ctx context.Context, tx pgx.Tx) error
	// Scope returns conditions every row of m must meet wherever m is
	// reached through a relation of another operation: included relations
	// (both strategies), relation filters (some/every/none/is/isNot),
	// relation counts and relation orderings, and the rows nested writes
	// find, connect, update or delete. nil or an empty Where: no condition.
	// The operation's own model is scoped by Query.
	Scope func(m *Model) Where
	// NestedDelete returns the data that replaces deleting a row of m in a
	// nested write (soft delete: the row is updated instead); nil deletes.
	NestedDelete func(m *Model) Data
	// NestedCreate returns data added to each row of m created by a nested
	// write (tenant id); nil adds nothing.
	NestedCreate func(m *Model) Data
}

// covers reports whether e applies to model m.
func (e *Extension) covers(m *Model) bool {
	return e.Models == nil || slices.Contains(e.Models, m.Name)
}

func (e *Extension) matches(op *Operation) bool {
	if !e.covers(op.Model) {
		return false
	}
	return e.Actions == nil || slices.Contains(e.Actions, op.Action)
}

// With returns a client that shares c's pool and lifecycle and runs the
// given extensions after c's own. The first extension is the outermost hook.
func (c *Client) With(exts ...*Extension) *Client {
	if c == nil {
		return nil
	}
	cp := *c
	exts = slices.DeleteFunc(slices.Clone(exts), func(e *Extension) bool { return e == nil })
	cp.exts = append(slices.Clip(c.exts), exts...)
	for _, e := range cp.exts {
		if e.TxSetup != nil {
			cp.hasSetup = true
		}
	}
	cp.h = &handle{c: &cp}
	return &cp
}

// scope returns the conditions the client's extensions put on rows of m
// reached through relations (nil: none).
func (c *Client) scope(m *Model) Where {
	var w Where
	for _, e := range c.exts {
		if e.Scope != nil && e.covers(m) {
			w = append(w, e.Scope(m)...)
		}
	}
	return w
}

// nestedDelete returns the data replacing a nested delete of m (nil: delete).
func (c *Client) nestedDelete(m *Model) Data {
	for _, e := range c.exts {
		if e.NestedDelete != nil && e.covers(m) {
			if d := e.NestedDelete(m); d != nil {
				return d
			}
		}
	}
	return nil
}

// nestedCreate adds the extensions' data to a row of m created by a nested write.
func (c *Client) nestedCreate(m *Model, d Data) Data {
	for _, e := range c.exts {
		if e.NestedCreate != nil && e.covers(m) {
			if add := e.NestedCreate(m); add != nil {
				d = mergeData(d, add)
			}
		}
	}
	return d
}

// scoped returns w with the scope of m appended (w itself when none).
func (c *Client) scoped(m *Model, w Where) Where {
	sc := c.scope(m)
	if len(sc) == 0 {
		return w
	}
	out := make(Where, 0, len(w)+len(sc))
	return append(append(out, w...), sc...)
}

// compiler returns a compiler applying the client's relation scopes.
func (h *handle) compiler() compiler {
	if len(h.c.exts) == 0 {
		return compiler{}
	}
	return compiler{scope: h.c.scope}
}

// run executes op through the extension chain.
func run(ctx context.Context, db DB, op *Operation) (any, error) {
	h := handleOf(db)
	if h == nil {
		return nil, validationErr(op.Model, "", errNoDB)
	}
	exts := h.c.exts
	if len(exts) == 0 {
		res, err := h.execute(ctx, op)
		if err == nil && writes(op.Action) {
			noteWrite(ctx)
		}
		return res, err
	}
	if a, ok := op.Args.(*CreateManyArgs); ok && a != nil && a.Rows != nil && a.Data == nil {
		// Extensions see (and may rewrite, as SetData does) Data.
		cp := *a
		cp.Data = make([]Data, len(a.Rows))
		for i, r := range a.Rows {
			cp.Data[i] = dataOf(r)
		}
		cp.Rows = nil
		o := *op
		o.Args = &cp
		op = &o
	}
	var call func(i int) Next
	call = func(i int) Next {
		return func(ctx context.Context, op *Operation) (any, error) {
			for ; i < len(exts); i++ {
				e := exts[i]
				if e.Query != nil && e.matches(op) {
					return e.Query(ctx, op, call(i+1))
				}
			}
			return h.execute(ctx, op)
		}
	}
	res, err := call(0)(ctx, op)
	if err != nil {
		return nil, err
	}
	if writes(op.Action) {
		noteWrite(ctx)
	}
	if op.typ == nil {
		return res, nil // counts, aggregates and groups are not model rows
	}
	for _, e := range exts {
		if e.Result != nil && e.covers(op.Model) {
			applyResult(e, op.Model, res)
		}
	}
	return res, nil
}

func applyResult(e *Extension, m *Model, res any) {
	rv := reflect.ValueOf(res)
	switch rv.Kind() {
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Struct {
			for i := range rv.Len() {
				e.Result(m, rv.Index(i).Addr().Interface())
			}
		}
	case reflect.Pointer:
		if !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
			e.Result(m, res)
		}
	}
}

func (h *handle) execute(ctx context.Context, op *Operation) (res any, err error) {
	m := op.Model
	if m == nil || m.schema == nil {
		return nil, validationErr(m, "", "model is nil or not part of a schema (see NewSchema)")
	}
	defer func() { err = requestModel(m, err) }()
	bad := func() (any, error) {
		return nil, fmt.Errorf("orm: %s: arguments of type %T do not suit the action", op.Action, op.Args)
	}
	args, err := h.resolveOmit(m, op.Args)
	if err != nil {
		return nil, err
	}
	op = &Operation{Model: m, Action: op.Action, Args: args, typ: op.typ}
	switch op.Action {
	case ActionFindMany, ActionFindFirst, ActionFindFirstOrThrow, ActionFindUnique, ActionFindUniqueOrThrow:
		fa, ok := op.Args.(*FindArgs)
		if !ok {
			return bad()
		}
		return h.find(ctx, m, op.Action, fa, op.typ)
	case ActionCreate:
		a, ok := op.Args.(*CreateArgs)
		if !ok {
			return bad()
		}
		return h.create(ctx, m, a, op.typ)
	case ActionCreateMany:
		a, ok := op.Args.(*CreateManyArgs)
		if !ok {
			return bad()
		}
		return h.createMany(ctx, m, a)
	case ActionUpdate:
		a, ok := op.Args.(*UpdateArgs)
		if !ok {
			return bad()
		}
		return h.update(ctx, m, a, op.typ)
	case ActionUpdateMany:
		a, ok := op.Args.(*UpdateArgs)
		if !ok {
			return bad()
		}
		return h.updateMany(ctx, m, a)
	case ActionCreateManyAndReturn:
		a, ok := op.Args.(*CreateManyArgs)
		if !ok {
			return bad()
		}
		return h.createManyAndReturn(ctx, m, a, op.typ)
	case ActionUpdateManyAndReturn:
		a, ok := op.Args.(*UpdateArgs)
		if !ok {
			return bad()
		}
		return h.updateManyAndReturn(ctx, m, a, op.typ)
	case ActionUpsert:
		a, ok := op.Args.(*UpsertArgs)
		if !ok {
			return bad()
		}
		return h.upsert(ctx, m, a, op.typ)
	case ActionDelete:
		a, ok := op.Args.(*DeleteArgs)
		if !ok {
			return bad()
		}
		return h.delete(ctx, m, a, op.typ)
	case ActionDeleteMany:
		a, ok := op.Args.(*DeleteArgs)
		if !ok {
			return bad()
		}
		return h.deleteMany(ctx, m, a)
	case ActionCount:
		a, ok := op.Args.(*CountArgs)
		if !ok {
			return bad()
		}
		return h.count(ctx, m, a)
	case ActionAggregate:
		a, ok := op.Args.(*AggregateArgs)
		if !ok {
			return bad()
		}
		return h.aggregate(ctx, m, a)
	case ActionGroupBy:
		a, ok := op.Args.(*GroupByArgs)
		if !ok {
			return bad()
		}
		return h.groupBy(ctx, m, a)
	}
	return nil, fmt.Errorf("orm: unknown action %q", op.Action)
}

// requestModel gives err the model of the request, as Prisma's meta
// modelName: a failed statement of a nested write (a value too long for a
// related row's column, a restrict on a related table) is reported on the
// operation's model. P2002 alone names the model of the constraint's table.
func requestModel(m *Model, err error) error {
	e, ok := err.(*Error)
	if !ok || e.Code == CodeUniqueViolation || e.Model == "" || e.Model == m.Name {
		return err
	}
	cp := *e
	cp.Model = m.Name
	return &cp
}
