package cases_test

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/internal/cases/selfrel"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

// TestFieldRefs compares two fields of a row through a generated client
// (Prisma's field references): a nullable Int with an Int, a String with
// itself, and a reference under mode insensitive.
func TestFieldRefs(t *testing.T) {
	c, root := seedTree(t)
	ctx := context.Background()
	f := selfrel.NodeFields
	labels := func(w ...selfrel.NodeCond) []string {
		t.Helper()
		rows, err := c.Node.FindMany(ctx, &selfrel.NodeFindArgs{Where: w})
		require.NoError(t, err)
		out := []string{}
		for _, r := range rows {
			out = append(out, r.Label)
		}
		sort.Strings(out) // byte order, whatever the database's collation
		return out
	}
	// Children were created after their parent: parentId < id; the root
	// has no parent and matches neither comparison.
	require.Equal(t, []string{"b", "root-a"}, labels(f.ParentID.LtRef(f.ID.Ref())))
	require.Equal(t, []string{}, labels(f.ParentID.GteRef(f.ID.Ref())))
	require.Equal(t, []string{"Root", "b", "root-a"}, labels(f.Label.StartsWithRef(f.Label.Ref())))
	require.Equal(t, []string{"Root", "b", "root-a"}, labels(f.Label.EqualsRef(f.Label.Ref()).Insensitive()))
	n, err := c.Node.Count(ctx, &selfrel.NodeCountArgs{Where: []selfrel.NodeCond{f.ParentID.EqualsRef(f.ID.Ref())}})
	require.NoError(t, err)
	require.Zero(t, n)
	require.NotZero(t, root.ID)
}

// TestHavingRefs filters the groups of a generated client's GroupBy by a
// field reference (an aggregate against a by field of the group) and case-
// insensitively (mode insensitive on a by field).
func TestHavingRefs(t *testing.T) {
	c, _ := seedTree(t)
	ctx := context.Background()
	f := selfrel.NodeFields
	labels := func(h ...selfrel.NodeHaving) []string {
		t.Helper()
		gs, err := c.Node.GroupBy(ctx, &selfrel.NodeGroupByArgs{
			By: []typed.FieldRef[selfrel.Node]{f.Label, f.ID}, Having: h})
		require.NoError(t, err)
		out := []string{}
		for _, g := range gs {
			out = append(out, g.Key["label"].(string))
		}
		sort.Strings(out)
		return out
	}
	// Each group is one node: its max parentId is below its id for the
	// children, NULL (no group) for the root.
	require.Equal(t, []string{"b", "root-a"}, labels(f.ParentID.HavingRef(orm.AggMax, orm.OpLt, f.ID.Ref())))
	require.Equal(t, []string{}, labels(f.ParentID.HavingRef(orm.AggMin, orm.OpGte, f.ID.Ref())))
	require.Equal(t, []string{"Root"}, labels(f.Label.Having(0, orm.OpEquals, "ROOT").Insensitive()))
	require.Equal(t, []string{}, labels(f.Label.Having(0, orm.OpEquals, "ROOT")))
	require.Equal(t, []string{"Root", "root-a"}, labels(f.Label.Having(0, orm.OpStartsWith, "r").Insensitive()))
	require.Equal(t, []string{"Root", "b", "root-a"}, labels(f.Label.HavingRef(0, orm.OpEquals, f.Label.Ref())))
	// A by field the group does not have: Prisma's P2019.
	_, err := c.Node.GroupBy(ctx, &selfrel.NodeGroupByArgs{By: []typed.FieldRef[selfrel.Node]{f.Label},
		Having: []selfrel.NodeHaving{f.ParentID.HavingRef(orm.AggMax, orm.OpLt, f.ID.Ref())}})
	oe, ok := orm.AsError(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, orm.CodeInputError, oe.Code)
}

// seedTree makes a node "Root" with two children, "root-a" and "b", in a
// fresh database of the selfrel case.
func seedTree(t *testing.T) (*selfrel.Client, *selfrel.Node) {
	t.Helper()
	c := selfrel.New(open(t, "selfrel"))
	f := selfrel.NodeFields
	root, err := c.Node.Create(context.Background(), &selfrel.NodeCreateArgs{Data: []selfrel.NodeSet{
		f.Label.Set("Root"),
		f.Children.Create([]selfrel.NodeSet{f.Label.Set("root-a")}, []selfrel.NodeSet{f.Label.Set("b")}),
	}})
	require.NoError(t, err)
	return c, root
}
