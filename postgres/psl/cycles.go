package psl

import (
	"sort"
	"strings"
)

// relationLoopBase places the problems Prisma finds in its pass over the
// relations after those it finds model by model (prismaOrder offsets of
// that pass start here).
const relationLoopBase = 1 << 40

// cycles runs Prisma's check of cascading referential actions that come
// back to where they started, which it applies on PostgreSQL only with
// relationMode = "prisma" (the database enforces nothing then, and
// Prisma Client would loop): from every owning side, following the
// relations whose onDelete or onUpdate modifies rows (anything but
// NoAction and Restrict), reaching the owning side's model again is a
// cycle, and any self-relation on the way is one too. With foreign keys
// PostgreSQL runs such cascades itself, and Prisma checks neither cycles
// nor multiple cascade paths (its multiple-paths check is for SQL Server).
//
// It also places, for Prisma's listing, the problems of each relation
// that Prisma reports in that same pass (laterDiags) after the cycle
// error of the relation.
func (v *validator) cycles() {
	modelRank := map[*Model]int{}
	for i, m := range v.s.Models {
		modelRank[m] = i
	}
	// Prisma meets the relations in the order of the fields that define
	// them (the owning side of a one-to-many or one-to-one relation).
	at := func(r *relInfo, seq int) Pos {
		n := 0
		for i, f := range r.model.Fields {
			if f == r.field {
				n = i
			}
		}
		return Pos{Line: 1, Offset: relationLoopBase + modelRank[r.model]<<24 + n<<12 + seq}
	}
	// The relations from a model, as Prisma walks them: by the model they
	// point to, then in the order it met them.
	rels := append([]*relInfo(nil), v.inline...)
	sort.SliceStable(rels, func(i, j int) bool {
		return at(rels[i], 0).Offset < at(rels[j], 0).Offset
	})
	from := map[*Model][]*relInfo{}
	for _, r := range rels {
		from[r.model] = append(from[r.model], r)
	}
	for _, list := range from {
		sort.SliceStable(list, func(i, j int) bool {
			return modelRank[v.s.modelByName[list[i].field.Type]] < modelRank[v.s.modelByName[list[j].field.Type]]
		})
	}
	if ds := v.s.Datasource; ds != nil && ds.RelationMode == "prisma" {
		for _, r := range rels {
			if v.cycleFrom(r, from) {
				v.diags[len(v.diags)-1].prismaOrder = at(r, 0)
			}
		}
	}
	for _, r := range v.rels {
		for j, d := range r.laterDiags {
			d.prismaOrder = at(r, 1+j)
		}
	}
}

// effectiveActions are a relation's onDelete and onUpdate: the explicit
// ones, or Prisma's defaults under relationMode = "prisma" on PostgreSQL
// (Restrict when a foreign key field or the relation field is required,
// else SetNull; Cascade on update).
func (v *validator) effectiveActions(r *relInfo) (onDelete, onUpdate string) {
	onDelete, onUpdate = r.onDel, r.onUpd
	if onDelete == "" {
		onDelete = SetNull
		if !allOptional(r.model, r.fields) || !r.field.Optional {
			onDelete = Restrict
		}
	}
	if onUpdate == "" {
		onUpdate = Cascade
	}
	return onDelete, onUpdate
}

// modifies reports whether a referential action changes the referencing
// rows (Prisma's triggers_modification).
func modifies(action string) bool { return action != NoAction && action != Restrict }

// cycleFrom follows the cascading relations from root and reports the
// first cycle it finds as Prisma does, on root's relation field; it says
// whether it reported one.
func (v *validator) cycleFrom(root *relInfo, from map[*Model][]*relInfo) bool {
	type step struct {
		r    *relInfo
		path []*relInfo
	}
	visited := map[*relInfo]bool{}
	stack := []step{{root, []*relInfo{root}}}
	for len(stack) > 0 {
		next := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visited[next.r] = true
		related := v.s.modelByName[next.r.field.Type]
		del, upd := v.effectiveActions(next.r)
		if !modifies(del) && !modifies(upd) {
			continue
		}
		switch {
		case next.r.model == related:
			msg := "a self-relation must have onDelete and onUpdate set to NoAction on one side with relationMode = \"prisma\""
			if next.r != root {
				msg = "the referential actions cascade from here into the self-relation " + next.r.model.Name + "." + next.r.field.Name +
					", which must have onDelete and onUpdate set to NoAction on one side with relationMode = \"prisma\""
			}
			v.cycleError(root, "A self-relation must have `onDelete` and `onUpdate` referential actions set to `NoAction` in one of the @relation attributes.", msg)
			return true
		case related == root.model:
			names := make([]string, len(next.path))
			for i, r := range next.path {
				names[i] = r.model.Name + "." + r.field.Name
			}
			path := strings.Join(names, " → ")
			v.cycleError(root, "Reference causes a cycle. One of the @relation attributes in this cycle must have `onDelete` and `onUpdate` referential actions set to `NoAction`. Cycle path: "+path+".",
				"the referential actions cascade in a cycle ("+path+") with relationMode = \"prisma\"; set onDelete and onUpdate to NoAction on one of its relations")
			return true
		}
		for _, r := range from[related] {
			if !visited[r] {
				path := append(append([]*relInfo(nil), next.path...), r)
				stack = append(stack, step{r, path})
			}
		}
	}
	return false
}

// cycleError reports a cascade cycle on root's relation field, naming
// the implicit actions of root that take part, as Prisma does.
func (v *validator) cycleError(root *relInfo, prisma, message string) {
	del, upd := v.effectiveActions(root)
	var implicit []string
	if root.onDel == "" && modifies(del) {
		implicit = append(implicit, "`onDelete`: `"+del+"`")
	}
	if root.onUpd == "" && modifies(upd) {
		implicit = append(implicit, "`onUpdate`: `"+upd+"`")
	}
	if len(implicit) > 0 {
		prisma += " (Implicit default " + strings.Join(implicit, ", and ") + ")"
	}
	v.errAt(root.field.Pos, root.field.Name, "%s", message)
	v.prisma(Pos{}, spanNextLine, "Error validating: %s Read more at https://pris.ly/d/cyclic-referential-actions", prisma)
	v.inPhase(phaseValidation)
}
