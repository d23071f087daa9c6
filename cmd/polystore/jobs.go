package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/redis/rueidis"
	"github.com/spf13/cobra"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/polystore/polystore/redis/stream"
)

// jobsFlags are the flags every `jobs dead` command takes.
type jobsFlags struct {
	url        string
	queue      string
	deadLetter string
}

func (f *jobsFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.url, "redis", "", "Redis URL (default $"+devenv.EnvRedisURL+", else redis://127.0.0.1:6379)")
	cmd.Flags().StringVar(&f.queue, "queue", "", "the queue's stream key (required)")
	cmd.Flags().StringVar(&f.deadLetter, "dead-letter", "", "the dead-letter stream, when the workers set WorkerOpts.DeadLetter")
}

// open connects to Redis and returns the queue's dead letters.
func (f *jobsFlags) open() (*stream.DeadLetters, func(), error) {
	if f.queue == "" {
		return nil, nil, errors.New("--queue is required (the queue's stream key, e.g. {mail})")
	}
	url, from := f.url, "--redis"
	if url == "" {
		url, from = os.Getenv(devenv.EnvRedisURL), devenv.EnvRedisURL
	}
	if url == "" {
		url, from = "redis://"+devenv.DefaultRedisAddr, "the default"
	}
	opt, err := redisconn.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a Redis URL (%w); the form is redis://host:6379 or host:6379", from, err)
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to Redis at %s (from %s): %w\n"+
			"Check that Redis is running there, or pass --redis or set %s; `polystore doctor` checks the server and says how to start it",
			strings.Join(opt.InitAddress, ","), from, err, devenv.EnvRedisURL)
	}
	return stream.New(c, f.queue, nil).DeadLetters(f.deadLetter), c.Close, nil
}

func newJobsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "Inspect a Redis job queue (redis/jobs, redis/stream)",
		Long: `jobs inspects the queues that programs using redis/jobs or redis/stream
keep in Redis (--redis, else $POLYSTORE_REDIS_URL, else 127.0.0.1:6379). Its
one command today is "dead": the jobs that failed every attempt, to list,
show, put back on the queue or delete. The guide is docs/jobs.md.

  polystore jobs dead list --queue '{mail}'`,
	}
	dead := &cobra.Command{
		Use:   "dead",
		Short: "List, show, redrive or purge the jobs that failed every attempt",
		Long: `dead works on a queue's dead-letter stream ({<queue>}:dead, or <queue>:dead for
a queue with a hash tag), where workers put the jobs that failed MaxAttempts
times, with the last error and the attempt count:

  list     the dead jobs, oldest first (--after, --limit to page)
  show     one dead job with its payload
  redrive  put dead jobs back on the queue (by id, or --all), attempts from zero
  purge    delete dead jobs (by id, or --all)`,
	}
	dead.AddCommand(newJobsDeadListCmd(), newJobsDeadShowCmd(), newJobsDeadRedriveCmd(), newJobsDeadPurgeCmd())
	cmd.AddCommand(dead)
	return cmd
}

func newJobsDeadListCmd() *cobra.Command {
	var f jobsFlags
	var after string
	var limit int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List dead jobs, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dl, closeFn, err := f.open()
			if err != nil {
				return err
			}
			defer closeFn()
			list, err := dl.List(cmd.Context(), after, limit)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, list)
			}
			total, err := dl.Len(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d dead job(s) in %s\n", total, dl.Key())
			for _, d := range list {
				fmt.Fprintf(out, "%s  job=%s  attempts=%d  error=%s\n", d.ID, jobID(d), d.Attempts, oneLine(d.Error, 80))
			}
			if int64(len(list)) == limit && limit > 0 {
				fmt.Fprintf(out, "more: --after %s\n", list[len(list)-1].ID)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&after, "after", "", "list the dead jobs after this id")
	cmd.Flags().Int64Var(&limit, "limit", 50, "at most this many")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newJobsDeadShowCmd() *cobra.Command {
	var f jobsFlags
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one dead job with its payload",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dl, closeFn, err := f.open()
			if err != nil {
				return err
			}
			defer closeFn()
			d, err := dl.Get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return writeJSON(cmd.OutOrStdout(), d)
		},
	}
	f.register(cmd)
	return cmd
}

// newJobsDeadBulkCmd builds a command that acts on the dead jobs given by
// id, or on all of them with --all.
func newJobsDeadBulkCmd(use, short string, run func(cmd *cobra.Command, dl *stream.DeadLetters, ids []string, all bool) error) *cobra.Command {
	var f jobsFlags
	var all bool
	cmd := &cobra.Command{
		Use:   use + " [ID...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return errors.New("give dead-job ids or --all (not both)")
			}
			dl, closeFn, err := f.open()
			if err != nil {
				return err
			}
			defer closeFn()
			return run(cmd, dl, args, all)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&all, "all", false, use+" every dead job")
	return cmd
}

func newJobsDeadRedriveCmd() *cobra.Command {
	return newJobsDeadBulkCmd("redrive", "Put dead jobs back on the queue", func(cmd *cobra.Command, dl *stream.DeadLetters, args []string, all bool) error {
		out := cmd.OutOrStdout()
		if all {
			n, err := dl.RedriveAll(cmd.Context())
			fmt.Fprintf(out, "redrove %d job(s)\n", n)
			return err
		}
		ids, err := dl.Redrive(cmd.Context(), args...)
		if err != nil {
			return err
		}
		var missing []string
		for i, id := range ids {
			if id == "" {
				missing = append(missing, args[i])
				continue
			}
			fmt.Fprintf(out, "%s -> %s\n", args[i], id)
		}
		if len(missing) > 0 {
			return fmt.Errorf("%w: no dead job %s", stream.ErrNotFound, strings.Join(missing, ", "))
		}
		return nil
	})
}

func newJobsDeadPurgeCmd() *cobra.Command {
	return newJobsDeadBulkCmd("purge", "Delete dead jobs", func(cmd *cobra.Command, dl *stream.DeadLetters, args []string, all bool) error {
		var n int64
		var err error
		if all {
			n, err = dl.PurgeAll(cmd.Context())
		} else {
			n, err = dl.Purge(cmd.Context(), args...)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "purged %d job(s)\n", n)
		return nil
	})
}

// jobID is the job id a dead letter carries (redis/jobs), else its source entry id.
func jobID(d stream.DeadLetter) string {
	if id := d.Fields[jobs.JobIDField]; id != "" {
		return id
	}
	return d.SourceID
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	if d, ok := v.(stream.DeadLetter); ok {
		v = deadJSON(d)
	}
	if l, ok := v.([]stream.DeadLetter); ok {
		out := make([]map[string]any, len(l))
		for i, d := range l {
			out[i] = deadJSON(d)
		}
		v = out
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// deadJSON shows a dead letter with its JSON payload inline when it is JSON.
func deadJSON(d stream.DeadLetter) map[string]any {
	fields := map[string]any{}
	for k, v := range d.Fields {
		if k == stream.DataField && json.Valid([]byte(v)) {
			fields[k] = json.RawMessage(v)
			continue
		}
		fields[k] = v
	}
	return map[string]any{"id": d.ID, "job_id": jobID(d), "source_id": d.SourceID,
		"attempts": d.Attempts, "error": d.Error, "fields": fields}
}
