package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
)

// Mode says whose data a provisioned Env holds.
type Mode int

const (
	// ModeDemo gives the system fresh stores (databases polystore_demo_<name>,
	// keys polystore:demo:<name>:), emptied first and removed by Cleanup.
	ModeDemo Mode = iota
	// ModeServe gives the system kept stores (databases polystore_<name>,
	// keys polystore:<name>:) that survive restarts of `serve`.
	ModeServe
)

// Names returns the PostgreSQL database, MongoDB database and Redis key
// prefix of a system in a mode.
func Names(name string, mode Mode) (pgDB, mongoDB, redisPrefix string) {
	if mode == ModeDemo {
		return "polystore_demo_" + name, "polystore_demo_" + name, "polystore:demo:" + name + ":"
	}
	return "polystore_" + name, "polystore_" + name, "polystore:" + name + ":"
}

// Provisioned is an Env together with what it takes to close it.
type Provisioned struct {
	Env  *Env
	mode Mode
	// adminURL is the server's URL, for dropping the database.
	adminURL string
	pgDB     string
	mongo    *mongo.Client
}

// Provision creates the system's stores on the resolved servers. In
// ModeDemo leftovers of an earlier run are removed first.
func Provision(ctx context.Context, stores *devenv.Env, name string, mode Mode, logger *slog.Logger) (*Provisioned, error) {
	if stores == nil || stores.Postgres == nil || stores.Redis == nil || stores.Mongo == nil {
		return nil, errors.New("demo: PostgreSQL, Redis and MongoDB must all be resolved")
	}
	if !validName(name) {
		return nil, fmt.Errorf("demo: invalid system name %q", name)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	pgDB, mongoDB, prefix := Names(name, mode)
	p := &Provisioned{mode: mode, adminURL: stores.Postgres.URL, pgDB: pgDB}
	env := &Env{Name: name, Logger: logger.With("system", name), RedisPrefix: prefix,
		RedisURL: stores.Redis.URL, RedisEmbedded: !stores.Redis.Source.Real(),
		MongoURL: stores.Mongo.URL, MongoEmbedded: !stores.Mongo.Source.Real()}
	p.Env = env
	ok := false
	defer func() {
		if !ok {
			_ = p.close(context.WithoutCancel(ctx), false)
		}
	}()

	// PostgreSQL: a database of the system's own.
	admin, err := pgx.Connect(ctx, stores.Postgres.URL)
	if err != nil {
		return nil, fmt.Errorf("demo: connect to PostgreSQL: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	ident := pgx.Identifier{pgDB}.Sanitize()
	if mode == ModeDemo {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return nil, fmt.Errorf("demo: drop leftover database %s: %w", pgDB, err)
		}
	}
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", pgDB).Scan(&exists); err != nil {
		return nil, fmt.Errorf("demo: look up database %s: %w", pgDB, err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
			return nil, fmt.Errorf("demo: create database %s: %w", pgDB, err)
		}
	}
	u, err := url.Parse(stores.Postgres.URL)
	if err != nil {
		return nil, fmt.Errorf("demo: PostgreSQL URL: %w", err)
	}
	u.Path = "/" + pgDB
	env.PGURL = u.String()
	cfg, err := pgxpool.ParseConfig(env.PGURL)
	if err != nil {
		return nil, err
	}
	// All 16 connections are opened up front: opening them on demand put
	// PostgreSQL's backend start-up into the first second of a run (the
	// demo's first-second p99 fell from 160–490 ms to 40–75 ms).
	cfg.MaxConns, cfg.MinConns = 16, 16
	if env.PG, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("demo: pool on %s: %w", pgDB, err)
	}

	// Redis: a key prefix of the system's own.
	opt, err := devenv.RedisOption(stores.Redis.URL)
	if err != nil {
		return nil, err
	}
	if env.RedisEmbedded {
		opt.DisableCache = true // miniredis has no client-side caching
	}
	if env.Redis, err = rueidis.NewClient(opt); err != nil {
		return nil, fmt.Errorf("demo: connect to Redis: %w", err)
	}
	if mode == ModeDemo {
		if _, err := devenv.DeleteRedisPrefix(ctx, env.Redis, prefix); err != nil {
			return nil, fmt.Errorf("demo: remove leftover keys %s*: %w", prefix, err)
		}
	}

	// MongoDB: a database of the system's own.
	if p.mongo, err = devenv.ConnectMongo(stores.Mongo.URL); err != nil {
		return nil, fmt.Errorf("demo: connect to MongoDB: %w", err)
	}
	env.Mongo = p.mongo.Database(mongoDB)
	if mode == ModeDemo {
		if err := env.Mongo.Drop(ctx); err != nil {
			return nil, fmt.Errorf("demo: drop leftover MongoDB database %s: %w", mongoDB, err)
		}
	}
	ok = true
	return p, nil
}

// Close closes the connections; with remove (ModeDemo without --keep) it
// first drops the databases and deletes the keys the system created.
func (p *Provisioned) Close(ctx context.Context, remove bool) error {
	return p.close(ctx, remove && p.mode == ModeDemo)
}

func (p *Provisioned) close(ctx context.Context, remove bool) error {
	var errs []error
	env := p.Env
	if env.Redis != nil {
		if remove {
			if _, err := devenv.DeleteRedisPrefix(ctx, env.Redis, env.RedisPrefix); err != nil {
				errs = append(errs, fmt.Errorf("remove keys %s*: %w", env.RedisPrefix, err))
			}
		}
		env.Redis.Close()
	}
	if env.PG != nil {
		env.PG.Close()
	}
	if p.mongo != nil {
		if remove && env.Mongo != nil {
			if err := env.Mongo.Drop(ctx); err != nil {
				errs = append(errs, fmt.Errorf("drop MongoDB database %s: %w", env.Mongo.Name(), err))
			}
		}
		_ = p.mongo.Disconnect(ctx)
	}
	if remove && p.pgDB != "" {
		admin, err := pgx.Connect(ctx, p.adminURL)
		if err == nil {
			_, err = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{p.pgDB}.Sanitize()+" WITH (FORCE)")
			admin.Close(ctx)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("drop database %s: %w", p.pgDB, err))
		}
	}
	return errors.Join(errs...)
}
