package demo

import (
	"fmt"
	"slices"
)

// Factory returns a new, not yet set up, System.
type Factory func() System

// Registry lists the systems the CLI knows, in display order.
type Registry struct {
	names     []string
	factories map[string]Factory
	infos     map[string]Info
}

// NewRegistry registers the factories; it panics on an invalid or
// duplicate name, a programming error caught by any test of the CLI.
func NewRegistry(factories ...Factory) *Registry {
	r := &Registry{factories: map[string]Factory{}, infos: map[string]Info{}}
	for _, f := range factories {
		info := f().Info()
		if !validName(info.Name) {
			panic(fmt.Sprintf("demo: invalid system name %q (lower-case letters only)", info.Name))
		}
		if _, dup := r.factories[info.Name]; dup {
			panic(fmt.Sprintf("demo: system %q registered twice", info.Name))
		}
		r.names = append(r.names, info.Name)
		r.factories[info.Name] = f
		r.infos[info.Name] = info
	}
	return r
}

// Names returns the registered names in order.
func (r *Registry) Names() []string { return slices.Clone(r.names) }

// Infos returns the registered systems' descriptions in order.
func (r *Registry) Infos() []Info {
	out := make([]Info, 0, len(r.names))
	for _, n := range r.names {
		out = append(out, r.infos[n])
	}
	return out
}

// UnknownSystemError names a system that is not registered.
type UnknownSystemError struct {
	Name  string
	Known []string
}

func (e *UnknownSystemError) Error() string {
	return fmt.Sprintf("unknown system %q (known: %v, or all)", e.Name, e.Known)
}

// Select resolves command-line names: none means the first registered
// system, "all" every one. It returns new System values.
func (r *Registry) Select(names []string) ([]System, error) {
	if r == nil || len(r.names) == 0 {
		return nil, &UnknownSystemError{Name: fmt.Sprint(names)}
	}
	if len(names) == 0 {
		names = r.names[:1]
	}
	var out []System
	seen := map[string]bool{}
	for _, n := range names {
		list := []string{n}
		if n == "all" {
			list = r.names
		}
		for _, m := range list {
			f, ok := r.factories[m]
			if !ok {
				return nil, &UnknownSystemError{Name: m, Known: r.Names()}
			}
			if !seen[m] {
				seen[m] = true
				out = append(out, f())
			}
		}
	}
	return out, nil
}
