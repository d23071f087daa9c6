package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/server"
	"github.com/polystore/polystore/internal/sse"
	"github.com/polystore/polystore/web"
)

// envAddr overrides the default listen address of serve.
const envAddr = "POLYSTORE_ADDR"

func newServeCmd() *cobra.Command {
	var addr, mongoDir string
	var ephemeral bool
	reg := systems()
	var routes strings.Builder
	for _, info := range reg.Infos() {
		what := "its API under /" + info.Name + "/"
		if web.HasPage(info.Name) {
			what = "its page, and " + what
		}
		fmt.Fprintf(&routes, "  /%s/%s%s: %s\n", info.Name, strings.Repeat(" ", max(1, 12-len(info.Name))), info.Title, what)
	}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server: the dashboard, the reference systems' APIs, health checks",
		Long: `serve resolves the stores (starting a private PostgreSQL or redis-server when
none answers and the binaries are installed, an in-process Redis stand-in as the
last resort, and the embedded MongoDB-compatible server unless
POLYSTORE_MONGO_URL is set), sets up each reference system in databases of its
own that are kept between runs (polystore_<name>; --ephemeral: throwaway
ones removed at exit), then serves HTTP until
SIGINT or SIGTERM, and exits 0. (Under ` + "`go run`" + ` the go command, interrupted
by the same Ctrl-C, reports exit status 1 of its own: run a built binary,
` + "`go build -o bin/polystore ./cmd/polystore`" + `, or ` + "`make serve`" + `.)

Routes:
  GET /          the dashboard: the reference systems, and the pages of those that have one
  GET /healthz   per-store status as JSON (503 when a store is down)
` + routes.String() + `
serve generates no load: call the APIs yourself, or run ` + "`polystore demo`" + ` for a
scenario with generated load and a summary of the invariants it checked.

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
			hub := sse.NewHub()
			var provisioned []*demo.Provisioned
			var started []demo.System
			defer func() {
				cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				hub.Close()
				for _, s := range started {
					_ = s.Close(cctx)
				}
				for _, p := range provisioned {
					_ = p.Close(cctx, ephemeral)
				}
				prober.Close(cctx)
				_ = env.Close(cctx)
			}()
			if len(unresolved) == 0 {
				all, _ := reg.Select([]string{"all"})
				for _, s := range all {
					name := s.Info().Name
					mode := demo.ModeServe
					if ephemeral {
						mode = demo.ModeDemo
					}
					p, err := demo.Provision(ctx, env, name, mode, logger)
					if err != nil {
						logger.Error("reference system unavailable", "system", name, "err", err)
						continue
					}
					provisioned = append(provisioned, p)
					p.Env.Publish = func(event string, data any) { _ = hub.Publish(name, event, data) }
					if err := s.Setup(ctx, p.Env); err != nil {
						logger.Error("reference system unavailable", "system", name, "err", err)
						continue
					}
					started = append(started, s)
				}
			}
			cfg := server.Config{Addr: addr, Health: prober, Unresolved: unresolved, ShutdownTimeout: 5 * time.Second}
			cfg.Routes = demo.Handler(reg.Infos(), started, hub, server.Handler(cfg))
			err := server.Run(ctx, cfg, func(bound string) {
				logger.Info("serving", "addr", "http://"+bound, "dashboard", "http://"+bound+"/", "healthz", "http://"+bound+"/healthz")
			})
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			logger.Info("stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address (env "+envAddr+")")
	cmd.Flags().BoolVar(&ephemeral, "ephemeral", false, "give the reference systems throwaway databases (polystore_demo_<name>), removed at exit")
	cmd.Flags().StringVar(&mongoDir, "mongo-dir", "", "data directory of the embedded MongoDB-compatible server (default: a temporary one)")
	return cmd
}
