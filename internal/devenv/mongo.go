package devenv

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/embedded"
)

// ResolveMongo finds a MongoDB: POLYSTORE_MONGO_URL (a real MongoDB), else
// it starts the in-process FerretDB of package mongo/embedded.
func ResolveMongo(ctx context.Context, opts *Options) (*Server, error) {
	if raw := os.Getenv(EnvMongoURL); raw != "" {
		if err := pingMongo(ctx, raw, opts.dialTimeout()); err != nil {
			return nil, &UnavailableError{Store: StoreMongo, Tried: []string{EnvMongoURL + "=" + redactURL(raw)}, Hint: hintMongo, Err: err}
		}
		return &Server{Store: StoreMongo, URL: raw, Source: SourceEnv}, nil
	}
	var dir string
	if opts != nil {
		dir = opts.MongoDir
	}
	srv, err := embedded.Start(ctx, embedded.Config{Dir: dir, Logger: nil})
	if err != nil {
		return nil, &UnavailableError{Store: StoreMongo, Tried: []string{"embedded FerretDB"}, Hint: hintMongo, Err: err}
	}
	return &Server{Store: StoreMongo, URL: srv.URI(), Source: SourceEmbedded,
		Detail: fmt.Sprintf("FerretDB %s, %s backend in %s", embedded.Version(), srv.Backend(), srv.Dir()),
		stop:   srv.Close}, nil
}

// ConnectMongo connects a mongo-driver client to url.
func ConnectMongo(url string) (*mongo.Client, error) {
	return mongo.Connect(options.Client().ApplyURI(url).SetServerSelectionTimeout(5 * time.Second))
}

func pingMongo(ctx context.Context, raw string, timeout time.Duration) error {
	c, err := mongo.Connect(options.Client().ApplyURI(raw).SetServerSelectionTimeout(timeout))
	if err != nil {
		return err
	}
	defer c.Disconnect(context.WithoutCancel(ctx))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
}

// ServeEmbeddedMongo serves mongo/embedded on a loopback port for another
// process: it prints the server's URI as one line on stdout, then serves
// until stdin closes or ctx ends, and stops the server. Commands that lend
// the embedded server to a Node.js recorder or a benchmark's child process
// run it as their whole main.
func ServeEmbeddedMongo(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	start, cancel := context.WithTimeout(ctx, time.Minute)
	srv, err := embedded.Start(start, embedded.Config{Addr: "127.0.0.1:0"})
	cancel()
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, srv.URI()); err != nil {
		stop()
	}
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		stop()
	}()
	<-ctx.Done()
	closing, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Close(closing)
}
