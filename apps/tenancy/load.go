package tenancy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/loadgen"
	"github.com/polystore/polystore/postgres/orm"
)

// op is one kind of request of the demo's load: tenant traffic first, then
// the deliberate attacks.
type op int

const (
	opListProjects op = iota
	opCreateProject
	opListTasks
	opCreateTask
	opUpdateTask
	opListInvoices
	opCreateInvoice
	opListRecords
	opCreateRecord
	opMeAPIKey

	atkHeaderTenant // X-Tenant-ID and ?tenantId= naming another tenant: ignored, own rows only
	atkBodyTenant   // "tenantId" of another tenant in a body: 400
	atkTenantPath   // GET /api/tenants/<other>: 403
	atkForgedJWT    // a token naming another tenant, signed with another key: 401
	atkRevokedJWT   // a revoked token: 401
	atkForeignTask  // PATCH another tenant's task by id: 404
	atkForeignRef   // a task in another tenant's project: 409
	atkTamperedKey  // an API key edited to name another tenant: 401
	atkRawSQL       // raw SQL in the tenant's transaction reading and writing another tenant's rows
	numOps
)

var opNames = [numOps]string{"list projects", "create project", "list tasks", "create task", "update task",
	"list invoices", "create invoice", "list records", "create record", "me (API key)",
	"tenant id in header", "tenant id in body", "other tenant's URL", "forged JWT", "revoked JWT",
	"other tenant's task", "other tenant's project", "tampered API key", "raw SQL across tenants"}

func (o op) attack() bool { return o >= atkHeaderTenant }

// weights of the quiet tenants' traffic (the flooding tenant sends only
// tenant traffic, no attacks).
var opWeights = [numOps]int{18, 5, 16, 10, 4, 12, 9, 3, 3, 4,
	2, 2, 2, 2, 2, 2, 2, 2, 2}

const (
	probeHost = "probe.tenancy.invalid"
	flood     = 0 // index of the flooding tenant
)

// loadPlan splits a request rate among the tenants: each quiet tenant one
// unit, the flooding tenant 2·FloodFactor units; the quota is two units,
// so quiet tenants use half of theirs and the flooding tenant sends
// FloodFactor times its own.
type loadPlan struct {
	weights []int
	quota   int64
}

func (s *System) plan(rate int) loadPlan {
	n := max(s.Tenants, 2)
	w := make([]int, n)
	for i := range w {
		w[i] = 1
	}
	w[flood] = 2 * max(s.FloodFactor, 1)
	units := float64(n-1) + float64(w[flood])
	return loadPlan{weights: w, quota: max(int64(2*float64(rate)/units+0.5), 1)}
}

// rrPicker picks tenants by smooth weighted round robin: each tenant's
// requests are evenly spaced, so a quiet tenant never bursts.
type rrPicker struct {
	w, cur []int
	total  int
}

func (p *rrPicker) next() int {
	best := 0
	for i, w := range p.w {
		p.cur[i] += w
		if p.cur[i] > p.cur[best] {
			best = i
		}
	}
	p.cur[best] -= p.total
	return best
}

// pending is a request in flight, found again by the id in its URL
// fragment (which is never sent).
type pending struct {
	op     op
	tenant int
	cents  int64 // created invoice amount
}

// tenantStats are one tenant's counters; only the load generator's
// result goroutine touches them.
type tenantStats struct {
	requests, ok, throttled, rateLimited, attacks, refused int64
	created                                                [4]int64 // projects, tasks, invoices, records
	cents                                                  int64
	win                                                    []time.Duration
	winThrottled                                           int64
}

// runState is what one Run observed.
type runState struct {
	tenants  []tenantStats
	byOp     [numOps]int64
	refused  [numOps]int64
	rows     int64 // tenant rows checked in responses
	foreign  int64 // rows of another tenant seen in responses
	errors   int64 // 5xx, transport errors, unexpected answers
	firstErr string
	revoked  int64 // requests with a revoked token
	revOK    int64 // of which refused with 401
	// latencies of served tenant requests: the quiet tenants', the flooding tenant's
	quietLat, floodLat []time.Duration
}

// TenantLive is one tenant's row of the page's "tenants" event.
type TenantLive struct {
	Name      string  `json:"name"`
	Flooding  bool    `json:"flooding"`
	Rate      float64 `json:"rate"`      // answers per second
	Throttled float64 `json:"throttled"` // 429 per second
	P50       float64 `json:"p50"`       // ms, last second
	P99       float64 `json:"p99"`
	Requests  int64   `json:"requests"`
	Refused   int64   `json:"refused"` // attacks refused so far
}

// Live is the page's "tenants" event, once a second during Run.
type Live struct {
	Elapsed float64      `json:"elapsed"`
	Tenants []TenantLive `json:"tenants"`
	Foreign int64        `json:"foreign"`
	Attacks int64        `json:"attacks"`
	Refused int64        `json:"refused"`
	Revoked int64        `json:"revoked"` // revoked tokens refused
	Quota   int64        `json:"quota"`   // requests per second per tenant
}

// counts are a tenant's rows as the audited report and the records count see them.
type counts struct {
	projects, tasks, invoices, records int64
	invoiced                           *big.Rat
}

func (s *System) snapshotCounts(ctx context.Context) (map[string]counts, error) {
	rep, err := s.reporter.TenantReport(ctx, "demo run check")
	if err != nil {
		return nil, err
	}
	out := map[string]counts{}
	for _, t := range rep {
		inv, ok := new(big.Rat).SetString(t.Invoiced)
		if !ok {
			return nil, fmt.Errorf("tenancy: report: invoiced %q is no decimal", t.Invoiced)
		}
		out[t.TenantID] = counts{projects: t.Projects, tasks: t.Tasks, invoiced: inv}
	}
	for _, dt := range s.tenants {
		c := out[dt.ID]
		if c.invoiced == nil {
			c.invoiced = new(big.Rat)
		}
		err := s.store.InTenant(ctx, dt.ID, func(ctx context.Context, tx *db.Client) error {
			n, err := tx.Invoice.Count(ctx, nil)
			c.invoices = n
			return err
		}, &readOnly)
		if err != nil {
			return nil, err
		}
		if s.records != nil {
			if c.records, err = s.records.Count(ctx, dt.ID, nil); err != nil {
				return nil, err
			}
		}
		out[dt.ID] = c
	}
	return out, nil
}

// prepare issues each tenant a fresh token, a token it then revokes
// through the API (checking the very next request with it is refused),
// and a forged one.
func (s *System) prepare(ctx context.Context, client *http.Client, base string) (revokedAtOnce int, err error) {
	other := make([]byte, 32)
	copy(other, "not the service's signing key!!!")
	for _, dt := range s.tenants {
		p := Principal{TenantID: dt.ID, UserID: dt.UserID}
		if dt.Token, err = s.auth.IssueToken(p); err != nil {
			return 0, err
		}
		if dt.Revoked, err = s.auth.IssueToken(p); err != nil {
			return 0, err
		}
		if code, err := do(ctx, client, http.MethodPost, base+"/api/logout", "Bearer "+dt.Revoked, nil); err != nil || code != http.StatusNoContent {
			return 0, fmt.Errorf("tenancy: logout answered %d: %v", code, err)
		}
		if code, err := do(ctx, client, http.MethodGet, base+"/api/me", "Bearer "+dt.Revoked, nil); err != nil {
			return 0, err
		} else if code == http.StatusUnauthorized {
			revokedAtOnce++
		}
		claims := jwt.RegisteredClaims{Subject: subject(p), ID: "forged", IssuedAt: jwt.NewNumericDate(time.Now()),
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}
		if dt.Forged, err = jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(other); err != nil {
			return 0, err
		}
	}
	return revokedAtOnce, nil
}

func do(ctx context.Context, client *http.Client, method, url, auth string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", auth)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	return res.StatusCode, nil
}

// probeTransport answers requests to probeHost in-process with the raw
// SQL probe and sends the others on.
type probeTransport struct {
	probe http.Handler
	next  http.RoundTripper
}

func (t probeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != probeHost {
		return t.next.RoundTrip(req)
	}
	rec := httptest.NewRecorder()
	t.probe.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// probeResult is the raw SQL probe's answer.
type probeResult struct {
	Foreign      int  `json:"foreign"`
	WriteRefused bool `json:"writeRefused"`
}

// rawProbe runs, in tenant a's transaction, raw SQL without any tenant
// filter and with tenant v's id: reads must return no row of v, and an
// insert naming v must be refused by the policy's WITH CHECK.
func (s *System) rawProbe(w http.ResponseWriter, r *http.Request) {
	a, errA := strconv.Atoi(r.URL.Query().Get("a"))
	v, errV := strconv.Atoi(r.URL.Query().Get("v"))
	if errA != nil || errV != nil || a < 0 || v < 0 || a >= len(s.tenants) || v >= len(s.tenants) {
		http.Error(w, "bad probe", http.StatusBadRequest)
		return
	}
	att, vic := s.tenants[a], s.tenants[v]
	var res probeResult
	err := s.store.InTenant(r.Context(), att.ID, func(ctx context.Context, tx *db.Client) error {
		rows, err := orm.QueryRaw[string](ctx, tx.DB(), orm.SQL(
			`SELECT tenant_id::text FROM projects WHERE tenant_id = ?::uuid
			UNION ALL SELECT tenant_id::text FROM invoices WHERE tenant_id = ?::uuid
			UNION ALL SELECT tenant_id::text FROM tasks WHERE tenant_id <> ?::uuid
			UNION ALL SELECT id::text FROM tenants WHERE id <> ?::uuid`, vic.ID, vic.ID, att.ID, att.ID))
		res.Foreign = len(rows)
		return err
	}, &readOnly)
	if err != nil {
		s.svc.fail(w, err)
		return
	}
	err = s.store.InTenant(r.Context(), att.ID, func(ctx context.Context, tx *db.Client) error {
		_, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL(`INSERT INTO projects (tenant_id, name) VALUES (?::uuid, 'smuggled')`, vic.ID))
		return err
	}, nil)
	switch {
	case IsPolicyViolation(err):
		res.WriteRefused = true
	case err != nil:
		s.svc.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// Run implements demo.System: constant-rate mixed traffic from every
// tenant through the HTTP API (the first tenant floods at FloodFactor
// times its quota), with deliberate attacks from the others; it checks
// that no response ever held another tenant's row, every attack was
// refused, revoked tokens were refused at once, every tenant's rows add up
// to what it created, and the quota throttled the flooding tenant only.
func (s *System) Run(ctx context.Context, opts demo.RunOptions, progress func(demo.Progress)) (*demo.Summary, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil *System", ErrInvalid)
	}
	if opts.Rate <= 0 || opts.Duration <= 0 {
		return nil, fmt.Errorf("%w: rate and duration must be > 0", ErrInvalid)
	}
	if s.svc == nil || len(s.tenants) < 2 {
		return nil, errors.New("tenancy: Run before Setup")
	}
	if progress == nil {
		progress = func(demo.Progress) {}
	}
	cctx := context.WithoutCancel(ctx)
	plan := s.plan(opts.Rate)
	if err := s.quota.set(plan.quota); err != nil {
		return nil, err
	}
	var next http.RoundTripper
	base := "http://in-process"
	if opts.BaseURL != "" {
		base = strings.TrimRight(opts.BaseURL, "/")
		next = &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: 30 * time.Second}
	} else {
		next = loadgen.HandlerClient(s.Handler()).Transport
	}
	client := &http.Client{Transport: probeTransport{probe: http.HandlerFunc(s.rawProbe), next: next}}

	revokedAtOnce, err := s.prepare(cctx, client, base)
	if err != nil {
		return nil, err
	}
	before, err := s.snapshotCounts(cctx)
	if err != nil {
		return nil, err
	}
	foreignBefore := s.svc.ForeignRows.Load()

	st := &runState{tenants: make([]tenantStats, len(s.tenants))}
	var (
		mu        sync.Mutex
		rng       = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
		picker    = &rrPicker{w: plan.weights, cur: make([]int, len(plan.weights))}
		seq       atomic.Int64
		attackSeq int
		inFlite   sync.Map // id -> pending
		runID     = randomSecret()[:8]
	)
	for _, w := range plan.weights {
		picker.total += w
	}
	var quietTotal, floodTotal int // the flooding tenant sends no attacks
	for i, w := range opWeights {
		quietTotal += w
		if !op(i).attack() {
			floodTotal += w
		}
	}
	pickOp := func(tenant int) op {
		total := quietTotal
		if tenant == flood {
			total = floodTotal
		}
		n := rng.IntN(total)
		for i, w := range opWeights {
			if n < w {
				if op(i).attack() {
					// Attacks take turns, so every kind is tried.
					attackSeq++
					return atkHeaderTenant + op(attackSeq%int(numOps-atkHeaderTenant))
				}
				return op(i)
			}
			n -= w
		}
		return opListProjects
	}
	targeter := func(t *loadgen.Target) error {
		mu.Lock()
		ti := picker.next()
		o := pickOp(ti)
		victim := (ti + 1 + rng.IntN(len(s.tenants)-1)) % len(s.tenants)
		cents := 100 + rng.Int64N(99_900)
		mu.Unlock()
		me, vic := s.tenants[ti], s.tenants[victim]
		id := seq.Add(1)
		p := pending{op: o, tenant: ti}
		bearer := "Bearer " + me.Token
		h := http.Header{"Authorization": {bearer}}
		var body any
		t.Method, t.Body = http.MethodGet, nil
		path := ""
		switch o {
		case opListProjects:
			path = "/api/projects"
		case opCreateProject:
			t.Method, path, body = http.MethodPost, "/api/projects", map[string]string{"name": fmt.Sprintf("project %s-%d", runID, id)}
		case opListTasks:
			path = "/api/tasks?projectId=" + strconv.FormatInt(me.Project, 10)
		case opCreateTask:
			t.Method, path, body = http.MethodPost, "/api/tasks", map[string]any{"projectId": me.Project, "title": fmt.Sprintf("task %d", id)}
		case opUpdateTask:
			t.Method, path = http.MethodPatch, "/api/tasks/"+strconv.FormatInt(me.Task, 10)
			body = map[string]string{"status": []string{"TODO", "DOING", "DONE"}[id%3]}
		case opListInvoices:
			path = "/api/invoices"
		case opCreateInvoice:
			p.cents = cents
			t.Method, path = http.MethodPost, "/api/invoices"
			body = map[string]string{"number": fmt.Sprintf("INV-%s-%d", runID, id), "amount": fmt.Sprintf("%d.%02d", cents/100, cents%100)}
		case opListRecords:
			path = "/api/records?collection=activity"
		case opCreateRecord:
			t.Method, path = http.MethodPost, "/api/records"
			body = map[string]any{"collection": "activity", "data": map[string]any{"status": "open", "seq": id},
				"customFields": map[string]any{"source": "demo", "score": float64(id % 100)}}
		case opMeAPIKey:
			path = "/api/me"
			h.Set("Authorization", "ApiKey "+me.APIKey)
		case atkHeaderTenant:
			path = "/api/projects?tenantId=" + vic.ID
			h.Set("X-Tenant-ID", vic.ID)
		case atkBodyTenant:
			t.Method, path, body = http.MethodPost, "/api/projects", map[string]string{"name": "smuggled", "tenantId": vic.ID}
		case atkTenantPath:
			path = "/api/tenants/" + vic.ID
		case atkForgedJWT:
			path = "/api/projects"
			h.Set("Authorization", "Bearer "+vic.Forged)
		case atkRevokedJWT:
			path = "/api/projects"
			h.Set("Authorization", "Bearer "+me.Revoked)
		case atkForeignTask:
			t.Method, path = http.MethodPatch, "/api/tasks/"+strconv.FormatInt(vic.Task, 10)
			body = map[string]string{"status": "DONE"}
		case atkForeignRef:
			t.Method, path, body = http.MethodPost, "/api/tasks", map[string]any{"projectId": vic.Project, "title": "smuggled"}
		case atkTamperedKey:
			path = "/api/me"
			key := "tk_" + strings.ReplaceAll(vic.ID, "-", "") + me.APIKey[3+32:]
			h.Set("Authorization", "ApiKey "+key)
		case atkRawSQL:
			t.URL = fmt.Sprintf("http://%s/raw?a=%d&v=%d#%d", probeHost, ti, victim, id)
			h = nil
		}
		if path != "" {
			t.URL = base + path + "#" + strconv.FormatInt(id, 10)
		}
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				return err
			}
			t.Body = b
			h.Set("Content-Type", "application/json")
		}
		t.Header = h
		inFlite.Store(id, p)
		return nil
	}
	onResult := func(r *loadgen.Result) {
		_, frag, _ := strings.Cut(r.URL, "#")
		id, _ := strconv.ParseInt(frag, 10, 64)
		v, ok := inFlite.LoadAndDelete(id)
		if !ok {
			st.errors++
			return
		}
		st.observe(s.tenants, v.(pending), r)
	}
	var prevElapsed time.Duration
	onSnapshot := func(snap loadgen.Snapshot) {
		// The last snapshot may follow the previous one closely: rates
		// over less than a second would overstate it.
		dt := max((snap.Elapsed - prevElapsed).Seconds(), 1)
		prevElapsed = snap.Elapsed
		live := st.live(s.tenants, dt)
		live.Elapsed, live.Foreign, live.Quota = snap.Elapsed.Seconds(), st.foreign+s.svc.ForeignRows.Load()-foreignBefore, plan.quota
		s.env.Emit("tenants", live)
		var ok, throttled int64
		for _, t := range st.tenants {
			ok += t.ok
			throttled += t.throttled
		}
		progress(demo.Progress{Elapsed: snap.Elapsed, Metrics: []demo.Metric{
			{Key: "rps", Label: "req/s", Value: snap.Rate, Unit: "/s"},
			{Key: "p50", Label: "p50", Value: msf(snap.Window.P50), Unit: "ms"},
			{Key: "p99", Label: "p99", Value: msf(snap.Window.P99), Unit: "ms"},
			{Key: "ok", Label: "served", Value: float64(ok)},
			{Key: "throttled", Label: "throttled", Value: float64(throttled)},
			{Key: "attacks", Label: "attacks", Value: float64(live.Attacks)},
			{Key: "refused", Label: "refused", Value: float64(live.Refused)},
			{Key: "foreign", Label: "foreign rows", Value: float64(live.Foreign)},
			{Key: "errors", Label: "errors", Value: float64(st.errors)},
		}})
	}
	rep, err := loadgen.Run(ctx, loadgen.Config{Rate: opts.Rate, Duration: opts.Duration, Client: client,
		Targeter: targeter, OnResult: onResult, OnSnapshot: onSnapshot})
	if err != nil {
		return nil, err
	}
	after, err := s.snapshotCounts(cctx)
	if err != nil {
		return nil, err
	}
	return s.summarize(rep, st, plan, before, after, s.svc.ForeignRows.Load()-foreignBefore, revokedAtOnce), nil
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pct returns the p-th percentile of ds in milliseconds (0 when empty); it sorts ds.
func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return msf(ds[min(len(ds)-1, len(ds)*p/100)])
}

type tenantRow struct {
	TenantID string `json:"tenantId"`
}

// observe classifies one answer.
func (st *runState) observe(tenants []*demoTenant, p pending, r *loadgen.Result) {
	ts := &st.tenants[p.tenant]
	ts.requests++
	ts.win = append(ts.win, r.Latency)
	st.byOp[p.op]++
	want := tenants[p.tenant].ID
	bad := func(why string) {
		st.errors++
		if st.firstErr == "" {
			st.firstErr = fmt.Sprintf("%s: %s", opNames[p.op], why)
		}
	}
	if r.Error != "" && r.Code == 0 {
		bad(r.Error)
		return
	}
	if r.Code >= 500 {
		bad(fmt.Sprintf("status %d: %.200s", r.Code, r.Body))
		return
	}
	checkRows := func(rows []tenantRow) {
		for _, row := range rows {
			st.rows++
			if row.TenantID != want {
				st.foreign++
			}
		}
	}
	decodeRows := func() bool {
		var rows []tenantRow
		if err := json.Unmarshal(r.Body, &rows); err != nil {
			bad("body: " + err.Error())
			return false
		}
		checkRows(rows)
		return true
	}
	if p.op.attack() {
		ts.attacks++
		refused := false
		switch p.op {
		case atkHeaderTenant:
			// The header and query parameter are ignored: own rows only.
			refused = r.Code == http.StatusOK && decodeRows()
			if r.Code == http.StatusTooManyRequests {
				refused = true
			}
		case atkRawSQL:
			var pr probeResult
			if r.Code == http.StatusOK && json.Unmarshal(r.Body, &pr) == nil {
				st.foreign += int64(pr.Foreign)
				refused = pr.Foreign == 0 && pr.WriteRefused
			}
		default:
			refused = r.Code >= 400 && r.Code < 500
		}
		if p.op == atkRevokedJWT {
			st.revoked++
			if r.Code == http.StatusUnauthorized {
				st.revOK++
			}
		}
		if refused {
			ts.refused++
			st.refused[p.op]++
		}
		return
	}
	if r.Code == http.StatusTooManyRequests {
		ts.throttled++
		ts.winThrottled++
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		if json.Unmarshal(r.Body, &e) == nil && e.Error.Code == CodeRateLimited {
			ts.rateLimited++
		}
		return
	}
	if r.Code < 200 || r.Code >= 300 {
		bad(fmt.Sprintf("status %d: %.200s", r.Code, r.Body))
		return
	}
	ts.ok++
	if p.tenant == flood {
		st.floodLat = append(st.floodLat, r.Latency)
	} else {
		st.quietLat = append(st.quietLat, r.Latency)
	}
	switch p.op {
	case opListProjects, opListTasks, opListRecords:
		decodeRows()
	case opListInvoices:
		var out struct {
			Invoices []tenantRow `json:"invoices"`
		}
		if err := json.Unmarshal(r.Body, &out); err != nil {
			bad("body: " + err.Error())
			return
		}
		checkRows(out.Invoices)
	default:
		var row tenantRow
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &row); err != nil {
				bad("body: " + err.Error())
				return
			}
			checkRows([]tenantRow{row})
		}
	}
	switch p.op {
	case opCreateProject:
		ts.created[0]++
	case opCreateTask:
		ts.created[1]++
	case opCreateInvoice:
		ts.created[2]++
		ts.cents += p.cents
	case opCreateRecord:
		ts.created[3]++
	}
}

// live returns the per-tenant rates and latencies since the last call.
func (st *runState) live(tenants []*demoTenant, dt float64) Live {
	l := Live{Revoked: st.revOK}
	for op := atkHeaderTenant; op < numOps; op++ {
		l.Attacks += st.byOp[op]
		l.Refused += st.refused[op]
	}
	for i := range st.tenants {
		ts := &st.tenants[i]
		slices.Sort(ts.win)
		tl := TenantLive{Name: tenants[i].Name, Flooding: i == flood, Rate: float64(len(ts.win)) / dt,
			Throttled: float64(ts.winThrottled) / dt, Requests: ts.requests, Refused: ts.refused}
		if n := len(ts.win); n > 0 {
			tl.P50 = msf(ts.win[n/2])
			tl.P99 = msf(ts.win[min(n-1, n*99/100)])
		}
		l.Tenants = append(l.Tenants, tl)
		ts.win, ts.winThrottled = ts.win[:0], 0
	}
	return l
}

// summarize checks the invariants.
func (s *System) summarize(rep *loadgen.Report, st *runState, plan loadPlan, before, after map[string]counts, serverForeign int64, revokedAtOnce int) *demo.Summary {
	var attacks, refused, ok, throttled int64
	for o := atkHeaderTenant; o < numOps; o++ {
		attacks += st.byOp[o]
		refused += st.refused[o]
	}
	for _, t := range st.tenants {
		ok += t.ok
		throttled += t.throttled
	}
	sum := &demo.Summary{Metrics: []demo.Metric{
		{Key: "requests", Label: "requests", Value: float64(rep.Requests)},
		{Key: "rps", Label: "throughput", Value: rep.Throughput, Unit: "/s"},
		{Key: "p50", Label: "p50", Value: msf(rep.Total.P50), Unit: "ms"},
		{Key: "p99", Label: "p99", Value: msf(rep.Total.P99), Unit: "ms"},
		{Key: "ok", Label: "served", Value: float64(ok)},
		{Key: "throttled", Label: "throttled", Value: float64(throttled)},
		{Key: "attacks", Label: "attacks", Value: float64(attacks)},
		{Key: "rows", Label: "tenant rows checked", Value: float64(st.rows)},
		{Key: "quota", Label: "quota per tenant", Value: float64(plan.quota), Unit: "/s"},
		{Key: "quietp50", Label: "quiet tenants p50 (served)", Value: pct(st.quietLat, 50), Unit: "ms"},
		{Key: "quietp99", Label: "quiet tenants p99 (served)", Value: pct(st.quietLat, 99), Unit: "ms"},
		{Key: "floodp99", Label: s.tenants[flood].Name + " p99 (served)", Value: pct(st.floodLat, 99), Unit: "ms"},
	}}
	add := func(name string, ok bool, format string, a ...any) {
		sum.Checks = append(sum.Checks, demo.Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, a...)})
	}
	add("no foreign rows", st.foreign == 0 && serverForeign == 0,
		"%d foreign of %d rows checked in responses, %d seen by the service", st.foreign, st.rows, serverForeign)

	var kinds []string
	for o := atkHeaderTenant; o < numOps; o++ {
		kinds = append(kinds, fmt.Sprintf("%s %d/%d", opNames[o], st.refused[o], st.byOp[o]))
	}
	add("every attack refused", attacks > 0 && refused == attacks, "%d of %d refused (%s)", refused, attacks, strings.Join(kinds, ", "))
	add("revoked tokens refused", revokedAtOnce == len(s.tenants) && st.revOK == st.revoked,
		"%d/%d refused on the request right after logout, %d/%d during the load", revokedAtOnce, len(s.tenants), st.revOK, st.revoked)

	var bad []string
	for i, dt := range s.tenants {
		b, a, ts := before[dt.ID], after[dt.ID], st.tenants[i]
		if b.invoiced == nil || a.invoiced == nil {
			bad = append(bad, dt.Name+": missing from the report")
			continue
		}
		delta := new(big.Rat).Sub(a.invoiced, b.invoiced)
		want := big.NewRat(ts.cents, 100)
		if a.projects-b.projects != ts.created[0] || a.tasks-b.tasks != ts.created[1] || a.invoices-b.invoices != ts.created[2] ||
			a.records-b.records != ts.created[3] || delta.Cmp(want) != 0 {
			bad = append(bad, fmt.Sprintf("%s: +%d/%d projects, +%d/%d tasks, +%d/%d invoices, +%s/%s invoiced, +%d/%d records",
				dt.Name, a.projects-b.projects, ts.created[0], a.tasks-b.tasks, ts.created[1], a.invoices-b.invoices, ts.created[2],
				delta.FloatString(2), want.FloatString(2), a.records-b.records, ts.created[3]))
		}
	}
	var created, cents int64
	for _, t := range st.tenants {
		created += t.created[0] + t.created[1] + t.created[2] + t.created[3]
		cents += t.cents
	}
	if len(bad) == 0 {
		add("per-tenant counts conserved", true, "%d tenants: %d rows created, %s invoiced, each tenant's counts moved by exactly its own writes",
			len(s.tenants), created, big.NewRat(cents, 100).FloatString(2))
	} else {
		add("per-tenant counts conserved", false, "%s", strings.Join(bad, "; "))
	}

	f := st.tenants[flood]
	var quietReq, quietThrottled int64
	for i, t := range st.tenants {
		if i != flood {
			quietReq += t.requests - t.attacks
			quietThrottled += t.throttled
		}
	}
	floodFrac := float64(f.rateLimited) / float64(max(f.requests, 1))
	quietFrac := float64(quietThrottled) / float64(max(quietReq, 1))
	add("rate limits applied per tenant", f.rateLimited > 0 && floodFrac >= 0.5 && quietFrac <= 0.05,
		"quota %d/s each: %s (flooding) %.0f%% throttled of %d, the %d others %.1f%% of %d",
		plan.quota, s.tenants[flood].Name, 100*floodFrac, f.requests, len(s.tenants)-1, 100*quietFrac, quietReq)
	add("no server errors", st.errors == 0, "%d unexpected answers %s", st.errors, st.firstErr)
	return sum
}
