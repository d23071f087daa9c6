package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/postgres/psl"
)

func newValidateCmd() *cobra.Command {
	var path, errorFormat string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check schema.prisma and print every problem with file:line:col",
		Long: `validate reads schema.prisma (or every .prisma file of a folder) and checks it
as prisma validate does: syntax, types, attributes, relations and their
back-relations, names. It prints every problem with file:line:col and exits 1,
or prints a one-line summary and exits 0. It needs no database.

--error-format prisma prints the problems as Prisma 7 does (error P1012: each
problem in Prisma's wording, the file and line with the lines around it, and
the count), for tools and habits built around prisma validate.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if errorFormat != "polystore" && errorFormat != "prisma" {
				return &exitError{code: 2, err: fmt.Errorf("--error-format must be polystore or prisma, got %q", errorFormat)}
			}
			p := schemaPath(path)
			s, err := psl.LoadFile(p)
			var pe *psl.Error
			if errorFormat == "prisma" && errors.As(err, &pe) {
				return &prismaSchemaError{pe}
			}
			if err != nil {
				return schemaNotFound(err, path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "The schema at %s is valid: %s, %s, %s\n", p,
				count(len(s.Models), "model", "models"), count(len(s.Enums), "enum", "enums"),
				count(len(s.JoinTables), "implicit many-to-many table", "implicit many-to-many tables"))
			return nil
		},
	}
	schemaFlag(cmd, &path)
	cmd.Flags().StringVar(&errorFormat, "error-format", "polystore", "how to print schema problems: polystore (file:line:col, one per line) or prisma (as Prisma 7's P1012)")
	return cmd
}

// prismaSchemaError prints a rejected schema as Prisma does.
type prismaSchemaError struct{ e *psl.Error }

func (e *prismaSchemaError) Error() string { return e.e.Prisma() }
func (e *prismaSchemaError) Unwrap() error { return e.e }

// count writes n with the singular or plural noun ("1 enum", "2 enums").
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
