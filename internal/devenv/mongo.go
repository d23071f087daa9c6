package devenv

import (
	"context"
	"fmt"
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
