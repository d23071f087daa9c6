package devenv_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/stretchr/testify/require"
)

func TestPostgresReplicaSet(t *testing.T) {
	rs := devenv.PostgresReplicas(t)
	ctx := context.Background()
	p, err := pgx.Connect(ctx, rs.Primary.URL)
	require.NoError(t, err)
	defer p.Close(ctx)
	r, err := pgx.Connect(ctx, rs.Replica.URL)
	require.NoError(t, err)
	defer r.Close(ctx)

	var standby bool
	require.NoError(t, r.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby))
	require.True(t, standby)
	_, err = p.Exec(ctx, `CREATE TABLE t (v int); INSERT INTO t VALUES (1)`)
	require.NoError(t, err)
	require.NoError(t, rs.WaitCaughtUp(ctx))
	var v int
	require.NoError(t, r.QueryRow(ctx, `SELECT v FROM t`).Scan(&v))
	require.Equal(t, 1, v, "the replica streams the primary's writes")

	require.NoError(t, rs.PauseReplay(ctx))
	_, err = p.Exec(ctx, `UPDATE t SET v = 2`)
	require.NoError(t, err)
	_, err = r.Exec(ctx, `SELECT 1`)
	require.NoError(t, err)
	require.NoError(t, r.QueryRow(ctx, `SELECT v FROM t`).Scan(&v))
	require.Equal(t, 1, v, "paused replay: the replica lags")
	require.NoError(t, rs.ResumeReplay(ctx))
	require.NoError(t, rs.WaitCaughtUp(ctx))
	require.NoError(t, r.QueryRow(ctx, `SELECT v FROM t`).Scan(&v))
	require.Equal(t, 2, v)
	_, err = r.Exec(ctx, `INSERT INTO t VALUES (3)`)
	require.Error(t, err, "a standby is read-only")
}
