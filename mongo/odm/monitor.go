package odm

import (
	"context"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/polystore/polystore/internal/queryevent"
)

// QueryEvent describes one command sent to the server in the shape every
// polystore family reports (orm.QueryEvent and redisotel.QueryEvent are
// the same type, so one callback serves all three): Action and SQL are
// the command name (find, insert, update, delete, aggregate, getMore,
// ...), Database and Collection where it ran (Collection "" for commands
// not on a collection), Start and Duration, Rows the documents returned
// (find, aggregate, getMore: the batch; distinct: values; findAndModify:
// 0 or 1; count: the count) or written (insert, update, delete: the
// reply's n), Args the statements a write sent, Server "mongodb", Err.
// It never holds values (no filter, no documents).
//
// Before it was this shared type, odm.QueryEvent had its own fields:
// Command is now Action (and SQL), Documents is Rows.
type QueryEvent = queryevent.Event

// Monitor returns a driver command monitor that calls onQuery once per
// finished command, with the ctx of the operation (so tracing spans nest
// under the caller's): options.Client().SetMonitor(odm.Monitor(fn)).
// Handshakes and authentication are not reported.
func Monitor(onQuery func(context.Context, QueryEvent)) *event.CommandMonitor {
	if onQuery == nil {
		return &event.CommandMonitor{}
	}
	var started sync.Map // request ID -> *QueryEvent
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if skipCommand(e.CommandName) {
				return
			}
			qe := &QueryEvent{Action: queryevent.Action(e.CommandName), SQL: e.CommandName, Database: e.DatabaseName,
				Args: sentStatements(e.CommandName, e.Command), Start: time.Now(), Server: "mongodb"}
			if v, err := e.Command.LookupErr(e.CommandName); err == nil {
				if s, ok := v.StringValueOK(); ok {
					qe.Collection = s
				}
			}
			if e.CommandName == "getMore" {
				if s, ok := e.Command.Lookup("collection").StringValueOK(); ok {
					qe.Collection = s
				}
			}
			started.Store(e.RequestID, qe)
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			v, ok := started.LoadAndDelete(e.RequestID)
			if !ok {
				return
			}
			qe := v.(*QueryEvent)
			qe.Duration = e.Duration
			qe.Rows = replyDocuments(e.CommandName, e.Reply)
			onQuery(ctx, *qe)
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			v, ok := started.LoadAndDelete(e.RequestID)
			if !ok {
				return
			}
			qe := v.(*QueryEvent)
			qe.Duration, qe.Err = e.Duration, e.Failure
			onQuery(ctx, *qe)
		},
	}
}

func skipCommand(name string) bool {
	switch name {
	case "hello", "isMaster", "ismaster", "saslStart", "saslContinue", "authenticate", "getnonce", "buildInfo", "endSessions":
		return true
	}
	return false
}

// replyDocuments counts what a reply returned or changed.
func replyDocuments(cmd string, reply bson.Raw) int64 {
	switch cmd {
	case "find", "aggregate", "listIndexes", "listCollections":
		return arrayLen(reply, "cursor", "firstBatch")
	case "getMore":
		return arrayLen(reply, "cursor", "nextBatch")
	case "distinct":
		return arrayLen(reply, "values")
	case "findAndModify":
		if v, err := reply.LookupErr("value"); err == nil && v.Type == bson.TypeEmbeddedDocument {
			return 1
		}
		return 0
	}
	if v, err := reply.LookupErr("n"); err == nil {
		if n, ok := v.AsInt64OK(); ok {
			return n
		}
	}
	return 0
}

func arrayLen(reply bson.Raw, path ...string) int64 {
	v, err := reply.LookupErr(path...)
	if err != nil {
		return 0
	}
	arr, ok := v.ArrayOK()
	if !ok {
		return 0
	}
	vals, err := arr.Values()
	if err != nil {
		return 0
	}
	return int64(len(vals))
}

// sentStatements counts the statements a write command carries (the
// driver sends them as a document sequence, which the started event
// shows as an array).
func sentStatements(cmd string, command bson.Raw) int {
	switch cmd {
	case "insert":
		return int(arrayLen(command, "documents"))
	case "update":
		return int(arrayLen(command, "updates"))
	case "delete":
		return int(arrayLen(command, "deletes"))
	}
	return 0
}
