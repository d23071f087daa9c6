package migrate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/postgres/psl"
)

// Partition is how a table is partitioned (PostgreSQL declarative
// partitioning). Range partitions come and go with time (see
// MaintainPartitions), so only the key is part of the schema; the hash
// partitions are created with the table.
type Partition struct {
	// Strategy is "RANGE" or "HASH".
	Strategy string
	// Columns are the partition key columns.
	Columns []string
	// Modulus is the number of hash partitions (0 for range).
	Modulus int `json:",omitempty"`
}

func samePartition(a, b *Partition) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Strategy == b.Strategy && sameStrings(a.Columns, b.Columns) && a.Modulus == b.Modulus
}

func (p *Partition) String() string {
	if p == nil {
		return "not partitioned"
	}
	s := partitionClause(p)
	if p.Modulus > 0 {
		s += " into " + strconv.Itoa(p.Modulus) + " partitions"
	}
	return s
}

func modelPartition(m *psl.Model) *Partition {
	p := m.Partition
	if p == nil {
		return nil
	}
	out := &Partition{Strategy: strings.ToUpper(p.Strategy), Columns: dbNames(m, p.Fields)}
	if p.Strategy == psl.PartitionHash {
		out.Modulus = p.Partitions
	}
	return out
}

func partitionClause(p *Partition) string {
	return "PARTITION BY " + p.Strategy + " (" + quoteList(p.Columns, ", ") + ")"
}

// childName names a partition of table: the table name (cut to fit
// PostgreSQL's identifier limit) and a suffix.
func childName(table, suffix string) string {
	if limit := maxIdent - len(suffix) - 1; len(table) > limit {
		table = table[:limit]
	}
	return table + "_" + suffix
}

// DefaultPartitionName is the name of the default partition of a range
// partitioned table: it takes the rows no dated partition covers.
func DefaultPartitionName(table string) string { return childName(table, "default") }

// HashPartitionName is the name of hash partition i of table.
func HashPartitionName(table string, i int) string { return childName(table, "h"+strconv.Itoa(i)) }

// initialPartitionsSQL creates what a partitioned table needs to take
// rows: every hash partition, or the default range partition (dated range
// partitions are created by MaintainPartitions relative to the clock).
func initialPartitionsSQL(t *Table) []string {
	parent := qualified(t.Schema, t.Name)
	switch t.Partition.Strategy {
	case "HASH":
		out := make([]string, t.Partition.Modulus)
		for i := range out {
			out[i] = fmt.Sprintf("CREATE TABLE %s PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d);",
				qualified(t.Schema, HashPartitionName(t.Name, i)), parent, t.Partition.Modulus, i)
		}
		return out
	default:
		return []string{"CREATE TABLE " + qualified(t.Schema, DefaultPartitionName(t.Name)) + " PARTITION OF " + parent + " DEFAULT;"}
	}
}

// changePartitionSQL is the step for a table whose partitioning changed.
// PostgreSQL cannot partition, unpartition or repartition a table in
// place, so the step fails with the reason when applied; the way forward
// is a new table, a copy of the rows and a rename, written by hand.
func changePartitionSQL(old, t *Table) string {
	msg := fmt.Sprintf("polystore: the partitioning of table %s changed from %s to %s; PostgreSQL cannot change it in place: create the new table, copy the rows and swap the names in a migration written by hand",
		displayName(t.Schema, t.Name), old.Partition, t.Partition)
	return "DO $$ BEGIN RAISE EXCEPTION " + quoteLiteral(strings.ReplaceAll(msg, "%", "%%")) + "; END $$;"
}

// partitions reads the partition key of partitioned tables and counts the
// partitions of hash partitioned ones.
func (in *introspector) partitions(ctx context.Context) error {
	return in.each(ctx, `
SELECT n.nspname, c.relname, pt.partstrat::text,
       ARRAY(SELECT a.attname::text FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord),
       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)::int
FROM pg_partitioned_table pt
JOIN pg_class c ON c.oid = pt.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND NOT c.relispartition`, func(r pgx.Rows) error {
		var schema, table, strat string
		var cols []string
		var children int
		if err := r.Scan(&schema, &table, &strat, &cols, &children); err != nil {
			return err
		}
		t := in.tables[schema+"."+table]
		if t == nil {
			return nil
		}
		p := &Partition{Columns: cols}
		switch strat {
		case "r":
			p.Strategy = "RANGE"
		case "h":
			p.Strategy, p.Modulus = "HASH", children
		case "l":
			p.Strategy = "LIST"
		}
		t.Partition = p
		return nil
	})
}

// pullPartition renders the directive of a partitioned table for
// PullSchema. The range interval, premake and retention live in the
// schema file only, so a pulled range directive says "1 month" and asks
// for a check.
func pullPartition(p *Partition) string {
	if p == nil {
		return ""
	}
	cols := strings.Join(identAll(p.Columns), ", ")
	switch p.Strategy {
	case "RANGE":
		return "/// Range partitioned: check interval, premake and retention (the database does not store them).\n" +
			"/// @@polystore.partition(range: [" + cols + "], interval: \"1 month\")\n"
	case "HASH":
		return "/// @@polystore.partition(hash: [" + cols + "], partitions: " + strconv.Itoa(p.Modulus) + ")\n"
	}
	return "// LIST partitioned: polystore does not manage list partitions.\n"
}
