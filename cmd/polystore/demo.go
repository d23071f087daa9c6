package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/server"
)

func newDemoCmd() *cobra.Command {
	var addr string
	var duration time.Duration
	var rate int
	var keep, stay bool
	reg := systems()
	cmd := &cobra.Command{
		Use:   "demo [" + strings.Join(append(reg.Names(), "all"), "|") + "]",
		Short: "Run a reference system under generated load, with a live dashboard",
		Long: `demo finds or starts the stores (PostgreSQL and Redis when installed, the
embedded MongoDB-compatible server), sets up the reference system in databases
of its own, serves the dashboard, and drives the system's scenario with
open-loop load for --duration at --rate requests per second. It prints a live
row every second (requests/s, p50/p99 latency and the system's own numbers),
then a summary with the invariants it checked, removes what it created
(unless --keep) and exits: 0 when every invariant held, 3 when one failed.

Without an argument it runs the first system (` + reg.Names()[0] + `); "all" runs every one in turn.
Ctrl-C stops the load early; the invariants are still checked and the data
removed.`,
		Example: `  polystore demo                       # the flash-sale shop, 20s at its default rate
  polystore demo shop --rate 3000 --duration 1m
  polystore demo --stay                # keep serving the dashboard afterwards`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			selected, err := reg.Select(args)
			if err != nil {
				return err
			}
			if err := demo.CheckLoad(duration, rate); err != nil {
				return err
			}
			addrSet := cmd.Flags().Changed("addr")
			if !addrSet {
				if v := os.Getenv(envAddr); v != "" {
					addr, addrSet = v, true
				}
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			fmt.Fprintln(out, "finding the stores (PostgreSQL, Redis, MongoDB)…")
			env, rerr := devenv.Resolve(ctx, &devenv.Options{StartServers: true, EmbeddedRedis: true, Logger: logger})
			prober := devenv.NewProber(env)
			defer func() {
				cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
				defer cancel()
				prober.Close(cctx)
				_ = env.Close(cctx)
			}()
			if rerr != nil {
				return rerr
			}
			for _, s := range env.Servers() {
				kind := "real server"
				if !s.Source.Real() {
					kind = "embedded stand-in"
				}
				fmt.Fprintf(out, "  %-8s %s (%s, %s)\n", s.Store, redact(s.URL), kind, s.Source)
			}
			err = demo.Run(ctx, demo.RunConfig{
				Systems: selected, Infos: reg.Infos(), Stores: env,
				Addr: addr, AddrFallback: !addrSet,
				Duration: duration, Rate: rate, Keep: keep, Stay: stay,
				Out: out, Logger: logger,
				Fallback: server.Handler(server.Config{Health: prober}),
				Ready: func(base string) {
					fmt.Fprintf(out, "dashboard: %s/  (open it in a browser while the load runs)\n", base)
				},
			})
			if errors.Is(err, demo.ErrInvariant) {
				return &exitError{code: 3, err: err}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address of the dashboard (env "+envAddr+"); when the default is taken, a free port is used")
	cmd.Flags().DurationVar(&duration, "duration", 20*time.Second, "how long to drive load per system")
	cmd.Flags().IntVar(&rate, "rate", 0, "requests per second (default: the system's own, 1000 for the shop)")
	cmd.Flags().BoolVar(&keep, "keep", false, "leave the demo's databases and keys in place")
	cmd.Flags().BoolVar(&stay, "stay", false, "keep serving the dashboard after the load until Ctrl-C")
	return cmd
}
