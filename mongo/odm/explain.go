package odm

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Plan engines of ExplainSummary.Engine.
const (
	EngineClassic  = "classic"  // the classic query engine (explainVersion 1)
	EngineSBE      = "sbe"      // the slot-based engine (explainVersion 2)
	EngineFerretDB = "ferretdb" // FerretDB: the backend's SQL plan
)

// ExplainSummary is what matters in an explain reply: which plan won,
// which indexes it uses, and how much it read for what it returned.
type ExplainSummary struct {
	Engine string
	// WinningPlan is the winning plan's stages from the top, such as
	// "FETCH > IXSCAN" or "COLLSCAN" (SQL plan lines on FerretDB).
	WinningPlan string
	// Stages lists the winning plan's stages, parents first.
	Stages []string
	// Indexes lists the index names the winning plan scans.
	Indexes []string
	// CollScan is set when any part of the plan scans the whole
	// collection.
	CollScan bool
	// HasExecutionStats is set when the reply has executionStats (the
	// executionStats or allPlansExecution verbosity on MongoDB).
	HasExecutionStats bool
	DocsExamined      int64
	KeysExamined      int64
	Returned          int64
}

// UsesIndex reports whether the plan scans an index and never the whole
// collection.
func (s *ExplainSummary) UsesIndex() bool { return len(s.Indexes) > 0 && !s.CollScan }

func (s *ExplainSummary) String() string {
	idx := "none"
	if len(s.Indexes) > 0 {
		idx = strings.Join(s.Indexes, ",")
	}
	out := fmt.Sprintf("%s plan %s, index %s", s.Engine, s.WinningPlan, idx)
	if s.HasExecutionStats {
		out += fmt.Sprintf(", examined %d docs / %d keys for %d returned", s.DocsExamined, s.KeysExamined, s.Returned)
	}
	return out
}

// SummarizeExplain reads an explain reply of find or aggregate: the
// classic engine's plan tree, the slot-based engine's queryPlan,
// aggregate replies whose first stage is $cursor, sharded replies (the
// plans of every shard) and FerretDB's SQL plan.
func SummarizeExplain(raw bson.Raw) (*ExplainSummary, error) {
	if err := raw.Validate(); err != nil {
		return nil, errorf("explain reply: %w", err)
	}
	s := &ExplainSummary{Engine: EngineClassic}
	if v, ok := raw.Lookup("explainVersion").StringValueOK(); ok && v == "2" {
		s.Engine = EngineSBE
	}
	qp, stats := raw.Lookup("queryPlanner"), raw.Lookup("executionStats")
	if _, ok := qp.DocumentOK(); !ok {
		// Aggregate replies: the query part is the first stage's $cursor.
		if stages, ok := raw.Lookup("stages").ArrayOK(); ok {
			if first, ok := stages.Index(0).DocumentOK(); ok {
				qp = first.Lookup("$cursor", "queryPlanner")
				stats = first.Lookup("$cursor", "executionStats")
			}
		}
	}
	qpd, ok := qp.DocumentOK()
	if !ok {
		return nil, errorf("explain reply has no queryPlanner")
	}
	if plan, ok := qpd.Lookup("Plan").ArrayOK(); ok {
		s.Engine = EngineFerretDB
		s.ferret(plan)
	} else {
		wp, ok := qpd.Lookup("winningPlan").DocumentOK()
		if !ok {
			return nil, errorf("explain reply has no winningPlan")
		}
		s.walk(wp)
		s.WinningPlan = strings.Join(s.Stages, " > ")
	}
	if sd, ok := stats.DocumentOK(); ok {
		s.HasExecutionStats = true
		s.Returned = asInt(sd.Lookup("nReturned"))
		s.KeysExamined = asInt(sd.Lookup("totalKeysExamined"))
		s.DocsExamined = asInt(sd.Lookup("totalDocsExamined"))
	}
	return s, nil
}

func asInt(v bson.RawValue) int64 {
	if n, ok := v.AsInt64OK(); ok {
		return n
	}
	if f, ok := v.DoubleOK(); ok {
		return int64(f)
	}
	return 0
}

// walk visits a plan node: classic nodes have stage/inputStage(s), SBE
// plans wrap the tree in queryPlan, sharded plans list shards.
func (s *ExplainSummary) walk(n bson.Raw) {
	if qp, ok := n.Lookup("queryPlan").DocumentOK(); ok {
		s.walk(qp)
		return
	}
	if shards, ok := n.Lookup("shards").ArrayOK(); ok {
		if st, ok := n.Lookup("stage").StringValueOK(); ok {
			s.Stages = append(s.Stages, st)
		}
		vals, _ := shards.Values()
		for _, v := range vals {
			if sd, ok := v.DocumentOK(); ok {
				if wp, ok := sd.Lookup("winningPlan").DocumentOK(); ok {
					s.walk(wp)
				}
			}
		}
		return
	}
	st, _ := n.Lookup("stage").StringValueOK()
	if st != "" {
		s.Stages = append(s.Stages, st)
	}
	switch st {
	case "COLLSCAN":
		s.CollScan = true
	case "IDHACK":
		s.addIndex("_id_")
	}
	if name, ok := n.Lookup("indexName").StringValueOK(); ok {
		s.addIndex(name)
	}
	if in, ok := n.Lookup("inputStage").DocumentOK(); ok {
		s.walk(in)
	}
	if ins, ok := n.Lookup("inputStages").ArrayOK(); ok {
		vals, _ := ins.Values()
		for _, v := range vals {
			if d, ok := v.DocumentOK(); ok {
				s.walk(d)
			}
		}
	}
}

func (s *ExplainSummary) addIndex(name string) {
	for _, n := range s.Indexes {
		if n == name {
			return
		}
	}
	s.Indexes = append(s.Indexes, name)
}

var (
	sqliteIndex = regexp.MustCompile(`USING (?:COVERING )?INDEX (\S+)`)
	pgIndex     = regexp.MustCompile(`Index(?: Only)? Scan(?: Backward)? using (\S+)`)
)

// ferret reads FerretDB's plan: SQLite "EXPLAIN QUERY PLAN" lines
// ("detail=SCAN ...", "SEARCH ... USING INDEX name") or PostgreSQL plan
// text.
func (s *ExplainSummary) ferret(plan bson.RawArray) {
	vals, _ := plan.Values()
	var lines []string
	for _, v := range vals {
		line, ok := v.StringValueOK()
		if !ok {
			line = v.String()
		}
		lines = append(lines, line)
		detail := line
		if i := strings.Index(line, "detail="); i >= 0 {
			detail = line[i+len("detail="):]
		}
		switch {
		case strings.HasPrefix(detail, "SCAN"), strings.Contains(detail, "Seq Scan"):
			s.CollScan = true
			s.Stages = append(s.Stages, "COLLSCAN")
		case sqliteIndex.MatchString(detail):
			s.Stages = append(s.Stages, "IXSCAN")
			s.addIndex(sqliteIndex.FindStringSubmatch(detail)[1])
		case pgIndex.MatchString(detail):
			s.Stages = append(s.Stages, "IXSCAN")
			s.addIndex(pgIndex.FindStringSubmatch(detail)[1])
		}
	}
	s.WinningPlan = strings.Join(lines, "; ")
}

// ExplainSummary explains the query with executionStats and summarises
// the reply.
func (q *Query[T]) ExplainSummary(ctx context.Context) (*ExplainSummary, error) {
	if q == nil || q.m.offline() != nil {
		return nil, ErrNoDatabase
	}
	f, err := q.m.filter(q.filter)
	if err != nil {
		return nil, err
	}
	raw, err := q.m.coll.Database().RunCommand(ctx, q.explainCommand(f, "executionStats")).Raw()
	if err != nil {
		return nil, err
	}
	return SummarizeExplain(raw)
}

// TestingT is the part of testing.TB that RequireIndexed uses.
type TestingT interface {
	Helper()
	Fatalf(format string, args ...any)
}

// RequireIndexed fails the test when the query's plan scans the whole
// collection or uses no index: a guard for queries that must stay fast as
// data grows. (FerretDB never uses indexes for reads: run such tests on a
// real MongoDB.)
func RequireIndexed[T any](t TestingT, ctx context.Context, q *Query[T]) *ExplainSummary {
	t.Helper()
	s, err := q.ExplainSummary(ctx)
	if err != nil {
		t.Fatalf("explain: %v", err)
		return nil
	}
	if !s.UsesIndex() {
		t.Fatalf("query does not use an index: %s", s)
	}
	return s
}
