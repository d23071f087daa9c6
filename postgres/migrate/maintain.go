package migrate

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/polystore/polystore/postgres/psl"
)

// ErrNotPartitioned is matched by the error MaintainPartitions returns
// when a model's table is missing or not partitioned as the schema says
// (apply the migrations first).
var ErrNotPartitioned = errors.New("migrate: table is not partitioned as the schema says")

// PartitionOpts tunes MaintainPartitions; nil means the defaults.
type PartitionOpts struct {
	// Now is the clock the premake and retention rules are computed
	// from; nil means time.Now.
	Now func() time.Time
	// DryRun reports the changes without making them.
	DryRun bool
}

// PartitionAction is what maintenance did to one partition.
type PartitionAction string

// Partition actions.
const (
	PartitionCreated  PartitionAction = "create"
	PartitionDetached PartitionAction = "detach"
	PartitionDropped  PartitionAction = "drop"
)

// PartitionChange is one partition created, detached or dropped.
type PartitionChange struct {
	Action    PartitionAction
	Table     string // the partitioned table (schema-qualified when not the default schema)
	Partition string
	// From and To bound the partition's rows: From <= key < To (UTC).
	From, To time.Time
	// Moved counts rows moved out of the default partition into a new one.
	Moved int64
}

// PartitionReport lists what MaintainPartitions changed, in order.
type PartitionReport struct {
	Changes []PartitionChange
}

// DetachedComment starts the table comment of a partition that
// retention detached (retentionKeepTable: true). Introspection leaves such
// tables out, so migrations neither drop them nor see drift; archive or
// drop them when you are done with them.
const DetachedComment = "polystore: detached partition of "

// maintenanceLock is the advisory lock key that serializes partition
// maintenance (a cron job and a service may both run it).
const maintenanceLock = 72707369 // "HPSI"

// MaintainPartitions keeps the range partitions of every model with a
// @@polystore.partition(range: ...) directive in shape, relative to the
// clock: it creates the partition holding "now" and Premake partitions
// after it (moving rows that the default partition took for those ranges
// into them), and detaches or drops partitions whose upper bound is older
// than the retention. It is idempotent: run it from cron, a scheduler or a
// long-running service (`polystore migrate partitions` does it once).
// Concurrent runs are serialized by an advisory lock. Hash partitions are
// created by the migration and need no upkeep.
func MaintainPartitions(ctx context.Context, pool *pgxpool.Pool, s *psl.Schema, opts *PartitionOpts) (*PartitionReport, error) {
	if pool == nil {
		return nil, ErrNoDatabase
	}
	if pool == nil {
		return nil, errors.New("migrate: MaintainPartitions needs a pool")
	}
	if s == nil {
		return nil, errors.New("migrate: MaintainPartitions needs a schema")
	}
	now := time.Now
	if opts != nil && opts.Now != nil {
		now = opts.Now
	}
	dry := opts != nil && opts.DryRun
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: partitions: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, maintenanceLock); err != nil {
		return nil, fmt.Errorf("migrate: partitions: lock: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, maintenanceLock) }()
	db := FromSchema(s)
	rep := &PartitionReport{}
	for _, m := range s.Models {
		if m.Partition == nil || m.Partition.Strategy != psl.PartitionRange {
			continue
		}
		t := db.Table(localSchema(m.Schema), m.DBName)
		if t == nil {
			continue
		}
		if err := maintainTable(ctx, conn.Conn(), t, m.Partition, now().UTC(), dry, rep); err != nil {
			return rep, fmt.Errorf("migrate: partitions of %s: %w", displayName(t.Schema, t.Name), err)
		}
	}
	return rep, nil
}

// rangeChild is an existing range partition.
type rangeChild struct {
	name     string
	from, to time.Time
	isDef    bool
}

var boundRE = regexp.MustCompile(`^FOR VALUES FROM \('([^']*)'\) TO \('([^']*)'\)$`)

func parseBound(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func maintainTable(ctx context.Context, conn *pgx.Conn, t *Table, p *psl.Partition, now time.Time, dry bool, rep *PartitionReport) error {
	parent := qualified(t.Schema, t.Name)
	key := t.Partition.Columns[0]
	col := t.Column(key)
	if col == nil {
		return fmt.Errorf("no column %q", key)
	}
	literal := func(x time.Time) string { return quoteLiteral(x.Format("2006-01-02 15:04:05+00")) }
	if col.Type == "DATE" {
		literal = func(x time.Time) string { return quoteLiteral(x.Format("2006-01-02")) }
	}
	children, err := rangeChildren(ctx, conn, t)
	if err != nil {
		return err
	}
	var def *rangeChild
	for i := range children {
		if children[i].isDef {
			def = &children[i]
		}
	}
	overlaps := func(from, to time.Time) bool {
		for _, c := range children {
			if !c.isDef && c.from.Before(to) && from.Before(c.to) {
				return true
			}
		}
		return false
	}
	start := floorInterval(now, p.Interval)
	for k := 0; k <= p.Premake; k++ {
		from, to := addInterval(start, p.Interval, k), addInterval(start, p.Interval, k+1)
		if overlaps(from, to) {
			continue
		}
		name := childName(t.Name, "p"+from.Format("20060102"))
		ch := PartitionChange{Action: PartitionCreated, Table: displayName(t.Schema, t.Name), Partition: name, From: from, To: to}
		if !dry {
			moved, err := createRangePartition(ctx, conn, t, def, qualified(t.Schema, name), key, literal(from), literal(to))
			if err != nil {
				return fmt.Errorf("create %s: %w", name, err)
			}
			ch.Moved = moved
		}
		rep.Changes = append(rep.Changes, ch)
		children = append(children, rangeChild{name: name, from: from, to: to})
	}
	if p.Retention.IsZero() {
		return nil
	}
	cutoff := addInterval(now, p.Retention, -1)
	sort.Slice(children, func(i, j int) bool { return children[i].from.Before(children[j].from) })
	for _, c := range children {
		if c.isDef || c.to.After(cutoff) {
			continue
		}
		ch := PartitionChange{Action: PartitionDropped, Table: displayName(t.Schema, t.Name), Partition: c.name, From: c.from, To: c.to}
		sqls := []string{"DROP TABLE " + qualified(t.Schema, c.name)}
		if p.RetentionKeepTable {
			ch.Action = PartitionDetached
			sqls = []string{"ALTER TABLE " + parent + " DETACH PARTITION " + qualified(t.Schema, c.name),
				"COMMENT ON TABLE " + qualified(t.Schema, c.name) + " IS " + quoteLiteral(DetachedComment+t.Name)}
		}
		if !dry {
			err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				for _, sql := range sqls {
					if _, err := tx.Exec(ctx, sql); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("%s %s: %w", ch.Action, c.name, err)
			}
		}
		rep.Changes = append(rep.Changes, ch)
	}
	return nil
}

// rangeChildren lists the partitions of t with their bounds (UTC).
func rangeChildren(ctx context.Context, conn *pgx.Conn, t *Table) ([]rangeChild, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// Bounds are printed in the session's time zone and date style.
	if _, err := tx.Exec(ctx, `SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'`); err != nil {
		return nil, err
	}
	var strat string
	err = tx.QueryRow(ctx, `SELECT coalesce((SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = to_regclass($1)), '')`,
		qualified(t.Schema, t.Name)).Scan(&strat)
	if err != nil {
		return nil, err
	}
	if strat != "r" {
		return nil, fmt.Errorf("%w: %s is not range partitioned (apply the migrations first)", ErrNotPartitioned, displayName(t.Schema, t.Name))
	}
	rows, err := tx.Query(ctx, `SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = to_regclass($1)`, qualified(t.Schema, t.Name))
	if err != nil {
		return nil, err
	}
	var out []rangeChild
	for rows.Next() {
		var name, bound string
		if err := rows.Scan(&name, &bound); err != nil {
			return nil, err
		}
		if bound == "DEFAULT" {
			out = append(out, rangeChild{name: name, isDef: true})
			continue
		}
		m := boundRE.FindStringSubmatch(bound)
		if m == nil {
			continue // MINVALUE/MAXVALUE bounds: made by hand, left alone
		}
		from, ok1 := parseBound(m[1])
		to, ok2 := parseBound(m[2])
		if ok1 && ok2 {
			out = append(out, rangeChild{name: name, from: from, to: to})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit(ctx)
}

// createRangePartition creates one partition in a transaction. Rows the
// default partition took for its range are moved into it (PostgreSQL
// refuses to create a partition whose rows sit in the default one).
func createRangePartition(ctx context.Context, conn *pgx.Conn, t *Table, def *rangeChild, child, key, from, to string) (int64, error) {
	parent := qualified(t.Schema, t.Name)
	create := "CREATE TABLE " + child + " PARTITION OF " + parent + " FOR VALUES FROM (" + from + ") TO (" + to + ")"
	var moved int64
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if def == nil {
			_, err := tx.Exec(ctx, create)
			return err
		}
		defTable := qualified(t.Schema, def.name)
		where := " WHERE " + quoteIdent(key) + " >= " + from + " AND " + quoteIdent(key) + " < " + to
		var has bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+defTable+where+")").Scan(&has); err != nil {
			return err
		}
		if !has {
			_, err := tx.Exec(ctx, create)
			return err
		}
		for _, sql := range []string{
			"ALTER TABLE " + parent + " DETACH PARTITION " + defTable,
			create,
		} {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, "WITH moved AS (DELETE FROM "+defTable+where+" RETURNING *) INSERT INTO "+parent+" SELECT * FROM moved")
		if err != nil {
			return err
		}
		moved = tag.RowsAffected()
		_, err = tx.Exec(ctx, "ALTER TABLE "+parent+" ATTACH PARTITION "+defTable+" DEFAULT")
		return err
	})
	return moved, err
}

// floorInterval returns the start of the interval-aligned partition that
// holds x (UTC): days and weeks (from Monday) counted from the Unix
// epoch, months from January 1970, years from year 0.
func floorInterval(x time.Time, iv psl.Interval) time.Time {
	x = x.UTC()
	day := time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)
	floorDiv := func(a, b int) int {
		q := a / b
		if a%b != 0 && a < 0 {
			q--
		}
		return q * b
	}
	switch iv.Unit {
	case "day":
		days := int(day.Unix() / 86400)
		return time.Unix(int64(floorDiv(days, iv.N))*86400, 0).UTC()
	case "week":
		monday := time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)
		days := int(day.Sub(monday).Hours() / 24)
		return monday.AddDate(0, 0, floorDiv(days, 7*iv.N))
	case "month":
		months := (x.Year()-1970)*12 + int(x.Month()) - 1
		return time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, floorDiv(months, iv.N), 0)
	default: // year
		return time.Date(floorDiv(x.Year(), iv.N), 1, 1, 0, 0, 0, 0, time.UTC)
	}
}

// addInterval adds k intervals to x.
func addInterval(x time.Time, iv psl.Interval, k int) time.Time {
	n := iv.N * k
	switch iv.Unit {
	case "day":
		return x.AddDate(0, 0, n)
	case "week":
		return x.AddDate(0, 0, 7*n)
	case "month":
		return x.AddDate(0, n, 0)
	default:
		return x.AddDate(n, 0, 0)
	}
}
