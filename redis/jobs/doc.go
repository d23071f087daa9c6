// Package jobs runs background jobs on a Redis stream: delayed jobs, jobs
// unique by key for a window, and dead-letter inspection and redrive. It
// is built on redis/stream, whose Worker does the delivery (consumer
// group, retries with backoff, XAUTOCLAIM of jobs left by dead workers,
// dead letters after MaxAttempts counted in Redis).
//
//	q, _ := jobs.New(client, "{mail}", nil)
//	jobs.Enqueue(ctx, q, Email{To: "ann@example.com"}, nil)                          // now
//	jobs.Enqueue(ctx, q, Reminder{ID: 7}, &jobs.EnqueueOpts{Delay: time.Hour})       // in an hour
//	jobs.Enqueue(ctx, q, Digest{User: 7}, &jobs.EnqueueOpts{UniqueKey: "digest:7", UniqueFor: 10 * time.Minute})
//	w, _ := jobs.NewWorker(q, jobs.WorkerOpts{WorkerOpts: stream.WorkerOpts{Group: "mailer", Consumer: host}}, send)
//	go w.Run(ctx)
//
// Keys, all in the queue name's hash slot (so one script may touch them on
// Redis Cluster): the stream <name>, the delayed set {<name>}:delayed and
// its data {<name>}:delayed:data, unique locks {<name>}:unique:<key>, the
// dead letters {<name>}:dead (a name that has a hash tag, like "{mail}",
// is used as it is: "{mail}:delayed").
//
// Delayed jobs wait in a sorted set scored by their run-at time on the
// Redis server's clock; every worker promotes due jobs to the stream with
// one script, so several workers promoting at once never enqueue a job
// twice. A unique enqueue sets the unique key (SET PX window) and adds the
// job in the same script: within the window every other enqueue with that
// key is a no-op that returns the first job's id.
//
// Delivery is at least once: a worker killed mid-job leaves the entry
// pending and another worker reclaims it after ClaimIdle, so handlers must
// be idempotent (key them by Job.ID). What a Redis restart loses depends
// on the server's persistence: with appendfsync always, nothing that
// Enqueue acknowledged; with everysec, up to about a second of enqueues;
// without persistence, every job. See docs/redis-coordination.md.
//
// Jobs that must commit or roll back with a PostgreSQL transaction belong
// in a transactional queue (river, see docs/jobs.md), not here: a Redis
// enqueue cannot join a database transaction.
package jobs
