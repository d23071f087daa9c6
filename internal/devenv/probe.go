package devenv

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Status is the outcome of one health probe of one store.
type Status struct {
	Store   Store         `json:"store"`
	OK      bool          `json:"ok"`
	Source  Source        `json:"source,omitempty"`
	Real    bool          `json:"real"`
	URL     string        `json:"url,omitempty"` // password redacted
	Version string        `json:"version,omitempty"`
	Latency time.Duration `json:"latency_ns,omitempty"`
	Detail  string        `json:"detail,omitempty"`
	Error   string        `json:"error,omitempty"`
}

// Prober checks the stores of an Env, keeping one connection per store
// between checks. It is safe for concurrent use.
type Prober struct {
	env *Env

	mu    sync.Mutex
	pg    *pgxpool.Pool
	redis rueidis.Client
	mongo *mongo.Client
}

// NewProber returns a prober for env. It does no I/O.
func NewProber(env *Env) *Prober { return &Prober{env: env} }

// Check probes every resolved store, concurrently, and returns their status
// in the order postgres, redis, mongodb. A store that Resolve could not find
// is reported from unresolved, which maps a store to its resolution error.
func (p *Prober) Check(ctx context.Context, unresolved map[Store]error) []Status {
	var out []Status
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range p.env.Servers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := p.check(ctx, s)
			mu.Lock()
			out = append(out, st)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for store, err := range unresolved {
		st := Status{Store: store, Error: err.Error()}
		var ue *UnavailableError
		if errors.As(err, &ue) {
			st.URL = strings.Join(ue.Tried, "; ") // already redacted
		}
		out = append(out, st)
	}
	order := map[Store]int{StorePostgres: 0, StoreRedis: 1, StoreMongo: 2}
	sort.Slice(out, func(i, j int) bool { return order[out[i].Store] < order[out[j].Store] })
	return out
}

// Close closes the prober's connections.
func (p *Prober) Close(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pg != nil {
		p.pg.Close()
		p.pg = nil
	}
	if p.redis != nil {
		p.redis.Close()
		p.redis = nil
	}
	if p.mongo != nil {
		_ = p.mongo.Disconnect(ctx)
		p.mongo = nil
	}
}

func (p *Prober) check(ctx context.Context, s *Server) Status {
	st := Status{Store: s.Store, Source: s.Source, Real: s.Source.Real(), URL: redactURL(s.URL), Detail: s.Detail}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var ping func(context.Context) error
	var err error
	switch s.Store {
	case StorePostgres:
		ping, st.Version, err = p.postgres(ctx, s.URL)
	case StoreRedis:
		ping, st.Version, err = p.redisProbe(ctx, s.URL)
	case StoreMongo:
		ping, st.Version, err = p.mongoProbe(ctx, s.URL)
	default:
		err = fmt.Errorf("unknown store %q", s.Store)
	}
	if err == nil {
		st.Latency, err = medianLatency(ctx, ping)
	}
	if err != nil {
		st.Error = err.Error()
		return st
	}
	st.OK = true
	return st
}

// medianLatency runs ping five times and returns the median round trip.
func medianLatency(ctx context.Context, ping func(context.Context) error) (time.Duration, error) {
	var d [5]time.Duration
	for i := range d {
		start := time.Now()
		if err := ping(ctx); err != nil {
			return 0, err
		}
		d[i] = time.Since(start)
	}
	sort.Slice(d[:], func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2], nil
}

func (p *Prober) postgres(ctx context.Context, url string) (func(context.Context) error, string, error) {
	p.mu.Lock()
	if p.pg == nil {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			p.mu.Unlock()
			return nil, "", err
		}
		p.pg = pool
	}
	pool := p.pg
	p.mu.Unlock()
	var v string
	if err := pool.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return nil, "", oneLine(err)
	}
	return pool.Ping, "PostgreSQL " + v, nil
}

func (p *Prober) redisProbe(ctx context.Context, url string) (func(context.Context) error, string, error) {
	p.mu.Lock()
	if p.redis == nil {
		opt, err := RedisOption(url)
		if err != nil {
			p.mu.Unlock()
			return nil, "", err
		}
		opt.DisableCache = true
		c, err := rueidis.NewClient(opt)
		if err != nil {
			p.mu.Unlock()
			return nil, "", err
		}
		p.redis = c
	}
	c := p.redis
	p.mu.Unlock()
	ping := func(ctx context.Context) error { return c.Do(ctx, c.B().Ping().Build()).Error() }
	info, err := c.Do(ctx, c.B().Info().Section("server").Build()).ToString()
	if err != nil {
		// miniredis does not implement INFO server; a PING still proves it answers.
		if perr := ping(ctx); perr != nil {
			return nil, "", perr
		}
		return ping, "Redis-compatible (no INFO)", nil
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return ping, "Redis " + v, nil
		}
	}
	return ping, "Redis (unknown version)", nil
}

func (p *Prober) mongoProbe(ctx context.Context, url string) (func(context.Context) error, string, error) {
	p.mu.Lock()
	if p.mongo == nil {
		c, err := ConnectMongo(url)
		if err != nil {
			p.mu.Unlock()
			return nil, "", err
		}
		p.mongo = c
	}
	c := p.mongo
	p.mu.Unlock()
	admin := c.Database("admin")
	var info struct {
		Version         string `bson:"version"`
		FerretDBVersion string `bson:"ferretdbVersion"`
	}
	if err := admin.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return nil, "", err
	}
	v := "MongoDB " + info.Version
	if info.FerretDBVersion == "unknown" {
		v = fmt.Sprintf("FerretDB (MongoDB %s compatible)", info.Version)
	} else if info.FerretDBVersion != "" {
		v = fmt.Sprintf("FerretDB %s (MongoDB %s compatible)", info.FerretDBVersion, info.Version)
	}
	ping := func(ctx context.Context) error {
		return admin.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
	}
	return ping, v, nil
}

// Unresolved splits an error from Resolve into one error per store.
func Unresolved(err error) map[Store]error {
	out := map[Store]error{}
	if err == nil {
		return out
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ue *UnavailableError
		if errors.As(e, &ue) {
			out[ue.Store] = ue
		}
	}
	return out
}
