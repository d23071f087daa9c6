package queryevent_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/redisotel"
)

// The ORM's callbacks take Redis events: both packages report one type.
func TestOneCallbackServesBothFamilies(t *testing.T) {
	var buf bytes.Buffer
	var onQuery func(context.Context, redisotel.QueryEvent) = orm.SlogHandler(slog.New(slog.NewTextHandler(&buf, nil)), slog.LevelInfo)
	onQuery(context.Background(), redisotel.QueryEvent{Action: "XADD", SQL: "XADD", Args: 7, Start: time.Now(),
		Duration: time.Millisecond, Rows: 1, Err: errors.New("WRONGTYPE"), Server: "redis"})
	require.Contains(t, buf.String(), "action=XADD")
	require.Contains(t, buf.String(), "args=7")
	require.Contains(t, buf.String(), "error=WRONGTYPE")
	var o orm.QueryEvent = redisotel.QueryEvent{Action: orm.ActionFindMany}
	require.Equal(t, orm.ActionFindMany, o.Action)

	// And the ODM's command monitor takes the same callbacks.
	buf.Reset()
	var onMongo func(context.Context, odm.QueryEvent) = onQuery
	onMongo(context.Background(), odm.QueryEvent{Action: "find", SQL: "find", Rows: 3, Server: "mongodb", Database: "shop", Collection: "orders"})
	require.Contains(t, buf.String(), "action=find")
	require.Contains(t, buf.String(), "rows=3")
}
