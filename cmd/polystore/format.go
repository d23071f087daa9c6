package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/postgres/psl"
)

// defaultSchemaPath finds schema.prisma the way Prisma does: prisma/ first,
// then the current directory.
func defaultSchemaPath() string {
	for _, p := range []string{filepath.Join("prisma", "schema.prisma"), "schema.prisma"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join("prisma", "schema.prisma")
}

func schemaFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "schema", "", "path to schema.prisma, or a folder of .prisma files (default prisma/schema.prisma or ./schema.prisma)")
}

func schemaPath(p string) string {
	if p == "" {
		return defaultSchemaPath()
	}
	return p
}

// errNotFormatted is returned by format --check.
var errNotFormatted = errors.New("schema is not formatted")

func newFormatCmd() *cobra.Command {
	var path string
	var check bool
	cmd := &cobra.Command{
		Use:   "format",
		Short: "Format schema.prisma in the canonical layout",
		Long: `format rewrites schema.prisma with two-space indentation, aligned columns
and one blank line between blocks, keeping every comment. A schema with
syntax errors is left untouched and the errors are printed with
file:line:col. With --check nothing is written and the exit status is 1
when the file is not formatted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			files, err := psl.SchemaFiles(schemaPath(path))
			if err != nil {
				return err
			}
			for _, p := range files {
				if err := formatFile(cmd, p, check); err != nil {
					return err
				}
			}
			return nil
		},
	}
	schemaFlag(cmd, &path)
	cmd.Flags().BoolVar(&check, "check", false, "only report whether the file is formatted")
	return cmd
}

// formatFile formats one schema file in place (or only checks it).
func formatFile(cmd *cobra.Command, p string, check bool) error {
	src, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	out, err := psl.FormatSource(p, src)
	if err != nil {
		return err
	}
	if bytes.Equal(src, out) {
		fmt.Fprintf(cmd.OutOrStdout(), "%s is formatted\n", p)
		return nil
	}
	if check {
		return &exitError{code: 1, err: fmt.Errorf("%s: %w (run polystore format)", p, errNotFormatted)}
	}
	if err := os.WriteFile(p, out, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Formatted %s\n", p)
	return nil
}
