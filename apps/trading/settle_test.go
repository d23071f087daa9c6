package trading

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAcceptsToWrite: an accept is left out only for an order the same run
// closes unconditionally; a close only-if-pending keeps it.
func TestAcceptsToWrite(t *testing.T) {
	var r settleRun
	r.accepts = []int64{1, 2, 3, 4}
	require.Equal(t, []int64{1, 2, 3, 4}, r.acceptsToWrite())
	r.close(2, "FILLED", "", false)
	r.close(3, "REJECTED", "bad", true)
	r.close(9, "CANCELLED", "", false)
	require.Equal(t, []int64{1, 3, 4}, r.acceptsToWrite())
}
