package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
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

// schemaNotFound explains an error that says the schema file is missing:
// where polystore looked (given is the --schema flag, empty for the default)
// and what to do. Other errors pass unchanged.
func schemaNotFound(err error, given string) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if given != "" && filepath.Clean(pe.Path) == filepath.Clean(given) {
		return fmt.Errorf("no schema at %s (--schema): give the path of a schema.prisma file or of a folder of .prisma files", given)
	}
	if given == "" && filepath.Clean(pe.Path) == defaultSchemaPath() {
		return errors.New("no schema.prisma in prisma/ or in the current directory: run polystore where your schema is, " +
			"pass --schema path/to/schema.prisma, or write one from an existing database with `polystore db pull`")
	}
	return err
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
				return schemaNotFound(err, path)
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
