package odmotel_test

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmotel"
)

// The monitor goes on the client (options.Client().SetMonitor(mon)); here
// it is fed one command as the driver would.
func ExampleOnQuery() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	mon := odm.Monitor(odmotel.OnQuery(tp.Tracer("shop")))

	cmd, _ := bson.Marshal(bson.D{{Key: "find", Value: "users"}, {Key: "filter", Value: bson.D{{Key: "email", Value: "ann@example.com"}}}})
	batch := bson.D{{Key: "firstBatch", Value: bson.A{bson.D{}}}}
	reply, _ := bson.Marshal(bson.D{{Key: "cursor", Value: batch}, {Key: "ok", Value: 1}})
	mon.Started(context.Background(), &event.CommandStartedEvent{Command: cmd, CommandName: "find", DatabaseName: "shop", RequestID: 1})
	mon.Succeeded(context.Background(), &event.CommandSucceededEvent{Reply: reply,
		CommandFinishedEvent: event.CommandFinishedEvent{CommandName: "find", DatabaseName: "shop", RequestID: 1}})

	s := rec.Ended()[0]
	fmt.Println(s.Name())
	for _, a := range s.Attributes() {
		fmt.Println(a.Key, a.Value.Emit())
	}
	// Output:
	// users.find
	// db.system mongodb
	// db.operation.name find
	// db.namespace shop
	// db.response.returned_rows 1
	// db.collection.name users
}
