package trading_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/trading"
	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/apps/trading/journal"
)

// The package's entry points answer nil and empty arguments with an error
// (or a nil result), never a panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	require.ErrorContains(t, trading.ApplySchema(ctx, nil), "needs a pool")
	_, err := trading.NewStore(nil, nil)
	require.Error(t, err)
	_, err = trading.NewAPI(nil, nil)
	require.Error(t, err)
	_, err = trading.StartNode(ctx, trading.NodeConfig{})
	require.Error(t, err)
	_, err = trading.NewAuditModel(ctx, nil)
	require.Error(t, err)
	require.Nil(t, trading.ViewOf(nil))
	_, err = engine.New(nil, nil, nil)
	require.Error(t, err)
	_, err = journal.Open("", nil, nil)
	require.Error(t, err)
}
