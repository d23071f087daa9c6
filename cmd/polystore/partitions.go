package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/postgres/migrate"
)

func newMigratePartitionsCmd() *cobra.Command {
	var f migrateFlags
	var dryRun bool
	var every time.Duration
	cmd := &cobra.Command{
		Use:   "partitions",
		Short: "Create upcoming range partitions and apply retention (@@polystore.partition)",
		Long: `partitions keeps the range partitioned tables of the schema in shape,
relative to the current time: for every model with
/// @@polystore.partition(range: [field], interval: "...", premake: N, retention: "...")
it creates the partition holding now and N partitions after it, and drops
(or, with retentionKeepTable: true, detaches) partitions older than the
retention. It is idempotent and serialized by an advisory lock: run it from
cron (daily is plenty for monthly partitions) or with --every as a
long-running service. Apply the migrations first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, pool, err := f.connect(ctx, true)
			if err != nil {
				return err
			}
			defer pool.Close()
			run := func() error {
				rep, err := migrate.MaintainPartitions(ctx, pool, s, &migrate.PartitionOpts{DryRun: dryRun})
				if rep != nil {
					printPartitionReport(cmd.OutOrStdout(), rep, dryRun)
				}
				return err
			}
			if err := run(); err != nil || every <= 0 {
				return err
			}
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					if ctx.Err() == context.Canceled {
						return nil
					}
					return ctx.Err()
				case <-t.C:
					if err := run(); err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "partitions: %v\n", err)
					}
				}
			}
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the changes without making them")
	cmd.Flags().DurationVar(&every, "every", 0, "keep running and repeat at this interval (for example 1h)")
	return cmd
}

func printPartitionReport(w io.Writer, rep *migrate.PartitionReport, dry bool) {
	if len(rep.Changes) == 0 {
		fmt.Fprintln(w, "Partitions are up to date.")
		return
	}
	verb := map[migrate.PartitionAction]string{migrate.PartitionCreated: "created", migrate.PartitionDetached: "detached", migrate.PartitionDropped: "dropped"}
	for _, c := range rep.Changes {
		v := verb[c.Action]
		if dry {
			v = "would be " + v
		}
		fmt.Fprintf(w, "%s: %s %s [%s, %s)", c.Table, c.Partition, v, c.From.Format(time.DateOnly), c.To.Format(time.DateOnly))
		if c.Moved > 0 {
			fmt.Fprintf(w, ", %d row(s) moved from the default partition", c.Moved)
		}
		fmt.Fprintln(w)
	}
}
