package orm

// Omit leaves fields out of a result (Prisma's omit): true omits the field,
// false keeps a field that Config.Omit omits by default. It cannot be
// combined with Select at the same level.
type Omit map[string]bool

// resolveSelect turns omit (and the client's default omissions for m) into
// the Select list the compiler understands; sel is returned unchanged when
// nothing is omitted.
func (h *handle) resolveSelect(m *Model, sel []string, omit Omit, path string) ([]string, error) {
	var global []string
	if h.c != nil {
		global = h.c.cfg.Omit[m.Name]
	}
	if len(omit) == 0 && len(global) == 0 {
		return sel, nil
	}
	if sel != nil {
		if len(omit) > 0 {
			return nil, prismaMsg(m, joinPath(path, "omit"), "Please either use `omit` or `select`, but not both at the same time.")
		}
		return sel, nil // an explicit select wins over the client's omissions
	}
	drop := make(map[string]bool, len(global)+len(omit))
	for _, n := range global {
		drop[n] = true
	}
	for n, v := range omit {
		if m.fields[n] == nil {
			return nil, validationErr(m, joinPath(path, "omit"), "unknown field %q", n)
		}
		drop[n] = v
	}
	out := make([]string, 0, len(m.Fields))
	for _, f := range m.Fields {
		if !drop[f.Name] {
			out = append(out, f.Name)
		}
	}
	if len(out) == 0 {
		return nil, prismaMsg(m, joinPath(path, "omit"), "The omit statement includes every field of the model "+m.Name+
			". At least one field must be included in the result")
	}
	return out, nil
}

// withOmit returns fa with Omit (and the client's omissions) resolved
// into Select at every include level; fa itself is not changed.
func (h *handle) withOmit(m *Model, fa *FindArgs, path string) (*FindArgs, error) {
	if fa == nil {
		return nil, nil
	}
	sel, err := h.resolveSelect(m, fa.Select, fa.Omit, path)
	if err != nil {
		return nil, err
	}
	var incs []Include
	for i, in := range fa.Include {
		r := m.relations[in.Relation]
		if r == nil {
			continue // reported by the compiler
		}
		args := in.Args
		if args == nil && len(h.c.cfg.Omit[r.target.Name]) > 0 {
			args = &FindArgs{}
		}
		sub, err := h.withOmit(r.target, args, joinPath(path, "include."+in.Relation))
		if err != nil {
			return nil, err
		}
		if sub != in.Args {
			if incs == nil {
				incs = append([]Include(nil), fa.Include...)
			}
			incs[i] = Include{Relation: in.Relation, Args: sub}
		}
	}
	if incs == nil && sameStrings(sel, fa.Select) {
		return fa, nil
	}
	cp := *fa
	cp.Select, cp.Omit = sel, nil
	if incs != nil {
		cp.Include = incs
	}
	return &cp, nil
}

// includesWithOmit resolves omissions inside the includes of a write's
// result.
func (h *handle) includesWithOmit(m *Model, incs []Include, path string) ([]Include, error) {
	if len(incs) == 0 {
		return incs, nil
	}
	fa, err := h.withOmit(m, &FindArgs{Select: []string{}, Include: incs}, path)
	if err != nil {
		return nil, err
	}
	return fa.Include, nil
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// resolveOmit returns args with Omit and the client's omissions resolved
// into Select (top level and includes), for any action's arguments.
func (h *handle) resolveOmit(m *Model, args any) (any, error) {
	if h.c == nil {
		return args, nil
	}
	shape := func(sel []string, omit Omit, incs []Include) ([]string, []Include, error) {
		sel, err := h.resolveSelect(m, sel, omit, "")
		if err != nil {
			return nil, nil, err
		}
		incs, err = h.includesWithOmit(m, incs, "include")
		return sel, incs, err
	}
	var err error
	switch a := args.(type) {
	case *FindArgs:
		return h.withOmit(m, a, "")
	case *CreateArgs:
		if a != nil && (a.Omit != nil || len(h.c.cfg.Omit) > 0) {
			cp := *a
			cp.Select, cp.Include, err = shape(a.Select, a.Omit, a.Include)
			cp.Omit = nil
			return &cp, err
		}
	case *UpdateArgs:
		if a != nil && (a.Omit != nil || len(h.c.cfg.Omit) > 0) {
			cp := *a
			cp.Select, cp.Include, err = shape(a.Select, a.Omit, a.Include)
			cp.Omit = nil
			return &cp, err
		}
	case *UpsertArgs:
		if a != nil && (a.Omit != nil || len(h.c.cfg.Omit) > 0) {
			cp := *a
			cp.Select, cp.Include, err = shape(a.Select, a.Omit, a.Include)
			cp.Omit = nil
			return &cp, err
		}
	case *DeleteArgs:
		if a != nil && (a.Omit != nil || len(h.c.cfg.Omit) > 0) {
			cp := *a
			cp.Select, cp.Include, err = shape(a.Select, a.Omit, a.Include)
			cp.Omit = nil
			return &cp, err
		}
	case *CreateManyArgs:
		if a != nil && (a.Omit != nil || len(h.c.cfg.Omit) > 0) {
			cp := *a
			cp.Select, cp.Include, err = shape(a.Select, a.Omit, a.Include)
			cp.Omit = nil
			return &cp, err
		}
	}
	return args, nil
}
