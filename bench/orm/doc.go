// Package orm benchmarks postgres/orm against raw pgx (the floor) and GORM
// on the guide's schema: FindUnique by id, FindMany of 100 rows, users with
// posts and comments for 100 users, and CreateMany of 1,000 rows; and what
// read-replica routing costs (BenchmarkReplicaRouting, on a private primary
// with a streaming replica).
package orm
