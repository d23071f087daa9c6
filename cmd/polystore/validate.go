package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/postgres/psl"
)

func newValidateCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check schema.prisma and print every problem with file:line:col",
		Long: `validate reads schema.prisma (or every .prisma file of a folder) and checks it
as prisma validate does: syntax, types, attributes, relations and their
back-relations, names. It prints every problem with file:line:col and exits 1,
or prints a one-line summary and exits 0. It needs no database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := schemaPath(path)
			s, err := psl.LoadFile(p)
			if err != nil {
				return schemaNotFound(err, path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "The schema at %s is valid: %d models, %d enums, %d implicit many-to-many tables\n",
				p, len(s.Models), len(s.Enums), len(s.JoinTables))
			return nil
		},
	}
	schemaFlag(cmd, &path)
	return cmd
}
