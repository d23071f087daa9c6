package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/internal/devenv"
)

func newDoctorCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that PostgreSQL, Redis and MongoDB are reachable",
		Long: `doctor connects to each store and prints its server version, the median
round-trip latency of five pings, and whether it is a real server or the
embedded default. It starts nothing but the embedded MongoDB-compatible
server (the default when POLYSTORE_MONGO_URL is unset).

It exits with status 1 and names each store it could not reach, with how to
start it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			env, rerr := devenv.Resolve(ctx, &devenv.Options{DialTimeout: 2 * time.Second})
			prober := devenv.NewProber(env)
			statuses := prober.Check(ctx, devenv.Unresolved(rerr))
			prober.Close(context.WithoutCancel(ctx))
			_ = env.Close(context.WithoutCancel(ctx))
			return printDoctor(cmd, statuses)
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 20*time.Second, "overall time limit")
	return cmd
}

func printDoctor(cmd *cobra.Command, statuses []devenv.Status) error {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STORE\tSTATUS\tKIND\tVERSION\tLATENCY\tWHERE")
	var failed []string
	for _, s := range statuses {
		kind := "real server"
		if !s.Real {
			kind = "embedded default"
		}
		if !s.OK {
			failed = append(failed, string(s.Store))
			fmt.Fprintf(w, "%s\tUNREACHABLE\t-\t-\t-\t%s\n", s.Store, s.URL)
			continue
		}
		where := s.URL
		if s.Detail != "" {
			where += " (" + s.Detail + ")"
		}
		fmt.Fprintf(w, "%s\tok\t%s\t%s\t%s\t%s\n", s.Store, kind, s.Version, s.Latency.Round(time.Microsecond), where)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, s := range statuses {
		if !s.OK {
			fmt.Fprintf(cmd.ErrOrStderr(), "\n%s: %s\n", s.Store, s.Error)
		}
	}
	if len(failed) > 0 {
		return &exitError{code: 1, err: errors.New("unreachable: " + strings.Join(failed, ", "))}
	}
	return nil
}
