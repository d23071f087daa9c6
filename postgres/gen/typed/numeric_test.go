package typed_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/typed"
)

func TestNumeric(t *testing.T) {
	for in, want := range map[string]string{
		"100.00": "100.00", "-0.5": "-0.5", "0.001": "0.001", "-0.001": "-0.001",
		"123456789012345678901234567890.123456789": "123456789012345678901234567890.123456789", "0": "0",
	} {
		n, err := typed.Numeric(in)
		require.NoError(t, err, in)
		require.Equal(t, want, typed.NumericString(n), in)
	}
	for _, bad := range []string{"", "abc", "NaN", "1.2.3", "Infinity"} {
		_, err := typed.Numeric(bad)
		require.Error(t, err, bad)
	}
	require.Equal(t, "", typed.NumericString(pgtype.Numeric{}))
	require.Panics(t, func() { typed.MustNumeric("x") })
}
