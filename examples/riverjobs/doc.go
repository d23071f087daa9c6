// Package riverjobs shows how to enqueue a job that must commit or roll
// back with a PostgreSQL transaction: river's InsertTx on the pgx.Tx of a
// postgres/orm Transaction (Tx.PgxTx), so the business write and the job
// row are one atomic commit. A rolled-back transaction leaves no job; a
// committed one is worked exactly once by river (it locks and completes
// the job row in the same database).
//
// It is an example package, not a polystore family: postgres/orm does not
// depend on river, so applications that never need transactional jobs
// never compile it. redis/jobs cannot give this guarantee (a Redis enqueue
// cannot join a database transaction). See docs/jobs.md.
package riverjobs
