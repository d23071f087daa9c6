package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/polystore/polystore/internal/editdist"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var unknownFlagRE = regexp.MustCompile(`unknown (?:shorthand )?flag: '?-{0,2}([^' ]+)'?`)

// suggestFlag names the flag a command does not know and the closest one
// it does (--to-schema -> --to-schema-datamodel), with the command's help.
func suggestFlag(cmd *cobra.Command, err error) error {
	m := unknownFlagRE.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%w\nRun '%s --help' for the flags it takes", err, cmd.CommandPath())
	}
	given := strings.TrimLeft(m[1], "-")
	if i := strings.IndexByte(given, '='); i >= 0 {
		given = given[:i]
	}
	dashes := "--"
	if len(given) == 1 {
		dashes = "-"
	}
	if best := closestFlag(cmd, given); best != "" && len(given) > 1 {
		return fmt.Errorf("%s does not know the flag %s%s; did you mean --%s?", cmd.CommandPath(), dashes, given, best)
	}
	return fmt.Errorf("%s does not know the flag %s%s; run '%s --help' for the flags it takes", cmd.CommandPath(), dashes, given, cmd.CommandPath())
}

// closestFlag returns the flag name that starts with given, else the one
// at the smallest edit distance (at most 2, or a third of its length), else "".
func closestFlag(cmd *cobra.Command, given string) string {
	var names []string
	visit := func(f *pflag.Flag) { names = append(names, f.Name) }
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	best, bestDist := "", 0
	for _, n := range names {
		if strings.HasPrefix(n, given) || strings.HasPrefix(given, n) {
			d := len(n) - len(given)
			if d < 0 {
				d = -d
			}
			if best == "" || d < bestDist {
				best, bestDist = n, d
			}
		}
	}
	if best != "" {
		return best
	}
	for _, n := range names {
		d := editdist.Levenshtein(given, n)
		if d <= max(2, len(n)/3) && (best == "" || d < bestDist) {
			best, bestDist = n, d
		}
	}
	return best
}
