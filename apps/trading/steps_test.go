package trading

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// stepsCases are decimal strings at the edges of the fast path.
var stepsCases = []string{
	"0", "1", "0.01", "0.0100", "30000.00", "30000.001", "1.", ".5", "", "-1", "+1", "1e5", " 1", "1 ",
	"00.50", "123456789012345678", "12345678901234.5678", "1234567890123456789", "0.000000000000000001",
	"0.10000000000000000000", "1.2.3", "١", "9999999999.99", "0.00000001",
}

// TestStepsFastMatchesDecimal: wherever the fast reader gives a number,
// the exact decimal conversion gives the same number and no error; where
// it declines, toSteps answers as the exact way does.
func TestStepsFastMatchesDecimal(t *testing.T) {
	for _, s := range stepsCases {
		for _, d := range []int32{0, 2, 4, 8} {
			checkSteps(t, s, d)
		}
	}
	v, err := toSteps("30000.00", 2)
	require.NoError(t, err)
	require.EqualValues(t, 3_000_000, v)
	_, err = toSteps("30000.001", 2)
	require.ErrorIs(t, err, errOffGrid)
}

func checkSteps(t *testing.T, s string, d int32) {
	t.Helper()
	want, werr := toStepsDecimal(s, d)
	got, gerr := toSteps(s, d)
	require.Equal(t, werr, gerr, "%q at %d decimals", s, d)
	require.Equal(t, want, got, "%q at %d decimals", s, d)
	if v, ok := stepsFast(s, d); ok {
		require.NoError(t, werr, "%q at %d decimals", s, d)
		require.Equal(t, want, v, "%q at %d decimals", s, d)
	}
}

func FuzzStepsFast(f *testing.F) {
	for _, s := range stepsCases {
		f.Add(s, int8(4))
	}
	f.Fuzz(func(t *testing.T, s string, d int8) {
		checkSteps(t, s, int32(d)%10)
	})
}
