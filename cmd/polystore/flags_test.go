package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUnknownFlagSuggestion: a mistyped flag is named with the closest
// one the command takes.
func TestUnknownFlagSuggestion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "diff", "--to-schema", "x"}, "polystore migrate diff does not know the flag --to-schema; did you mean --to-schema-datamodel?"},
		{[]string{"migrate", "dev", "--allow-destructiv"}, "did you mean --allow-destructive?"},
		{[]string{"migrate", "dev", "--nmae=x"}, "did you mean --name?"},
		{[]string{"format", "--chek"}, "did you mean --check?"},
		{[]string{"migrate", "dev", "--zzz"}, "does not know the flag --zzz; run 'polystore migrate dev --help'"},
		{[]string{"migrate", "dev", "-q"}, "does not know the flag -q;"},
	} {
		_, _, err := run(context.Background(), tc.args...)
		require.Error(t, err, tc.args)
		require.Contains(t, err.Error(), tc.want)
	}
}
