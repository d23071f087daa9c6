package cases_test

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/internal/cases/selfrel"
)

// TestFieldRefs compares two fields of a row through a generated client
// (Prisma's field references): a nullable Int with an Int, a String with
// itself, and a reference under mode insensitive.
func TestFieldRefs(t *testing.T) {
	c := selfrel.New(open(t, "selfrel"))
	ctx := context.Background()
	f := selfrel.NodeFields
	root, err := c.Node.Create(ctx, &selfrel.NodeCreateArgs{Data: []selfrel.NodeSet{
		f.Label.Set("Root"),
		f.Children.Create([]selfrel.NodeSet{f.Label.Set("root-a")}, []selfrel.NodeSet{f.Label.Set("b")}),
	}})
	require.NoError(t, err)
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
