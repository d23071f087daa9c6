package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/stream"
)

func TestJobsDead(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	queue := ns.Key("{mail}")
	s := stream.New(ns.Client, queue, nil)
	dl := s.DeadLetters("")
	c := ns.Client
	var ids []string
	for i, payload := range []string{`{"to":"ann"}`, `{"to":"bob"}`, `{"to":"cy"}`} {
		id, err := c.Do(ctx, c.B().Xadd().Key(dl.Key()).Id("*").FieldValue().
			FieldValue("source_id", "1-"+string(rune('0'+i))).FieldValue("attempts", "5").
			FieldValue("error", "smtp:\n550 refused").FieldValue("data", payload).
			FieldValue("job_id", "J"+string(rune('A'+i))).Build()).ToString()
		require.NoError(t, err)
		ids = append(ids, id)
	}
	flags := []string{"--queue", queue, "--redis", ns.URL}

	out, _, err := run(ctx, append([]string{"jobs", "dead", "list", "--limit", "2"}, flags...)...)
	require.NoError(t, err)
	require.Contains(t, out, "3 dead job(s) in "+dl.Key())
	require.Contains(t, out, ids[0]+"  job=JA  attempts=5  error=smtp: 550 refused")
	require.Contains(t, out, "job=JB")
	require.NotContains(t, out, "job=JC")
	require.Contains(t, out, "more: --after "+ids[1])

	out, _, err = run(ctx, append([]string{"jobs", "dead", "list", "--json", "--after", ids[1]}, flags...)...)
	require.NoError(t, err)
	var listed []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &listed))
	require.Len(t, listed, 1)
	require.Equal(t, "JC", listed[0]["job_id"])

	out, _, err = run(ctx, append([]string{"jobs", "dead", "show", ids[0]}, flags...)...)
	require.NoError(t, err)
	var shown struct {
		ID       string
		JobID    string `json:"job_id"`
		Attempts int
		Fields   map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	require.Equal(t, ids[0], shown.ID)
	require.Equal(t, 5, shown.Attempts)
	require.JSONEq(t, `{"to":"ann"}`, string(shown.Fields["data"]))

	_, _, err = run(ctx, append([]string{"jobs", "dead", "show", "1-1"}, flags...)...)
	require.ErrorIs(t, err, stream.ErrNotFound)
	_, _, err = run(ctx, append([]string{"jobs", "dead", "show", "../etc"}, flags...)...)
	require.ErrorIs(t, err, stream.ErrInvalidOptions)
	_, _, err = run(ctx, "jobs", "dead", "list")
	require.ErrorContains(t, err, "--queue is required")
	_, _, err = run(ctx, append([]string{"jobs", "dead", "redrive"}, flags...)...)
	require.ErrorContains(t, err, "--all")

	// Redrive one: it is back on the queue with its payload and job id.
	out, _, err = run(ctx, append([]string{"jobs", "dead", "redrive", ids[0]}, flags...)...)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(out, ids[0]+" -> "), out)
	xs, err := c.Do(ctx, c.B().Xrange().Key(queue).Start("-").End("+").Build()).AsXRange()
	require.NoError(t, err)
	require.Len(t, xs, 1)
	require.Equal(t, map[string]string{"data": `{"to":"ann"}`, "job_id": "JA"}, xs[0].FieldValues)
	_, _, err = run(ctx, append([]string{"jobs", "dead", "redrive", ids[0]}, flags...)...)
	require.ErrorIs(t, err, stream.ErrNotFound, "it is no longer dead")

	// Purge one by id, then redrive --all moves the last one.
	out, _, err = run(ctx, append([]string{"jobs", "dead", "purge", ids[1]}, flags...)...)
	require.NoError(t, err)
	require.Equal(t, "purged 1 job(s)\n", out)
	out, _, err = run(ctx, append([]string{"jobs", "dead", "redrive", "--all"}, flags...)...)
	require.NoError(t, err)
	require.Equal(t, "redrove 1 job(s)\n", out)
	n, err := s.Len(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)

	_, err = c.Do(ctx, c.B().Xadd().Key(dl.Key()).Id("*").FieldValue().FieldValue("data", "{}").Build()).ToString()
	require.NoError(t, err)
	out, _, err = run(ctx, append([]string{"jobs", "dead", "purge", "--all"}, flags...)...)
	require.NoError(t, err)
	require.Equal(t, "purged 1 job(s)\n", out)
	left, err := dl.Len(ctx)
	require.NoError(t, err)
	require.Zero(t, left)
}
