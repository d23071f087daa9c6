package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/server"
)

// envAddr overrides the default listen address of serve.
const envAddr = "POLYSTORE_ADDR"

func newServeCmd() *cobra.Command {
	var addr, mongoDir string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server (health checks and the reference systems)",
		Long: `serve resolves the stores (starting a private PostgreSQL or redis-server when
none answers and the binaries are installed, an in-process Redis stand-in as the
last resort, and the embedded MongoDB-compatible server unless
POLYSTORE_MONGO_URL is set), then serves HTTP until SIGINT or SIGTERM.

Routes:
  GET /healthz   per-store status as JSON (503 when a store is down)

The address comes from --addr, else $` + envAddr + `, else 127.0.0.1:8080.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("addr") {
				if v := os.Getenv(envAddr); v != "" {
					addr = v
				}
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			ctx := cmd.Context()
			env, rerr := devenv.Resolve(ctx, &devenv.Options{StartServers: true, EmbeddedRedis: true, MongoDir: mongoDir, Logger: logger})
			unresolved := devenv.Unresolved(rerr)
			for store, err := range unresolved {
				logger.Error("store unavailable", "store", store, "err", err)
			}
			prober := devenv.NewProber(env)
			defer func() {
				cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				prober.Close(cctx)
				_ = env.Close(cctx)
			}()
			err := server.Run(ctx, server.Config{Addr: addr, Health: prober, Unresolved: unresolved, ShutdownTimeout: 5 * time.Second},
				func(bound string) {
					logger.Info("serving", "addr", "http://"+bound, "healthz", "http://"+bound+"/healthz")
				})
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			logger.Info("stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address (env "+envAddr+")")
	cmd.Flags().StringVar(&mongoDir, "mongo-dir", "", "data directory of the embedded MongoDB-compatible server (default: a temporary one)")
	return cmd
}
