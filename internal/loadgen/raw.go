package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Engine selects how Run sends its requests.
type Engine int

const (
	// EngineVegeta sends through vegeta's attacker and a net/http client
	// (Config.Client, e.g. HandlerClient). The default.
	EngineVegeta Engine = iota
	// EngineRaw speaks HTTP/1.1 itself over keep-alive TCP connections to
	// Config.Addr: each request is one write of its bytes (built by
	// Config.Request, or from the Targeter's Target) and the answer is
	// parsed no further than its status line, Content-Length or chunked
	// framing and Connection: close. It costs a fraction of the CPU of a
	// net/http client, which matters when the generator shares the machine
	// with the server it measures. Its latency runs from the request's
	// scheduled send time, so a generator that falls behind (no free
	// connection, a late timer) counts against the answer, never hides it.
	// No TLS, no proxies, no redirects, no HTTP/2, no HEAD requests.
	EngineRaw
)

// RequestFunc appends one complete HTTP/1.1 request (request line,
// headers, an empty line, the body) to dst and returns the extended
// slice. It is called concurrently from the connections' goroutines.
type RequestFunc func(dst []byte) ([]byte, error)

// AppendRequest appends an HTTP/1.1 request for method and target (a path
// with its query, e.g. "/shop/reservations") on host with header and body,
// with Content-Length set, to dst.
func AppendRequest(dst []byte, method, target, host string, header http.Header, body []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\n"...)
	for k, vs := range header {
		if http.CanonicalHeaderKey(k) == "Content-Length" || http.CanonicalHeaderKey(k) == "Host" {
			continue
		}
		for _, v := range vs {
			dst = append(dst, k...)
			dst = append(dst, ": "...)
			dst = append(dst, v...)
			dst = append(dst, "\r\n"...)
		}
	}
	if len(body) > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, int64(len(body)), 10)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	return append(dst, body...)
}

// targetRequest turns a Targeter into a RequestFunc.
func targetRequest(tr Targeter) RequestFunc {
	return func(dst []byte) ([]byte, error) {
		var t Target
		if err := tr(&t); err != nil {
			return dst, err
		}
		u, err := url.Parse(t.URL)
		if err != nil {
			return dst, err
		}
		method := t.Method
		if method == "" {
			method = http.MethodGet
		}
		return AppendRequest(dst, method, u.RequestURI(), u.Host, t.Header, t.Body), nil
	}
}

// rawRun is one run of EngineRaw.
type rawRun struct {
	cfg      Config
	build    RequestFunc
	timeout  time.Duration
	dialer   net.Dialer
	due      chan time.Time // scheduled send times, to idle connections
	stopped  chan struct{}  // closed when a request cannot be built
	stopOnce sync.Once
	wg       sync.WaitGroup

	// idle counts the connections waiting for (or about to wait for) a
	// request: the pacer dials another only when none is, so a connection
	// that is late to pick up does not make the run open a new one.
	idle atomic.Int64

	mu sync.Mutex // guards c and the OnResult calls
	c  *collector
}

func (rr *rawRun) stop() { rr.stopOnce.Do(func() { close(rr.stopped) }) }

func (rr *rawRun) record(r *Result) {
	rr.mu.Lock()
	rr.c.add(r)
	if rr.cfg.OnResult != nil {
		rr.cfg.OnResult(r)
	}
	rr.mu.Unlock()
}

// runRaw is Run with EngineRaw: a pacer hands scheduled send times to
// connection goroutines, dialing one more when every connection is busy.
func runRaw(ctx context.Context, cfg Config, interval, timeout time.Duration, maxWorkers uint64) (*Report, error) {
	if cfg.Addr == "" {
		return nil, fmt.Errorf("%w: EngineRaw needs Addr (host:port)", ErrConfig)
	}
	if cfg.Client != nil {
		return nil, fmt.Errorf("%w: EngineRaw dials Addr itself; Client must be nil", ErrConfig)
	}
	rr := &rawRun{cfg: cfg, build: cfg.Request, timeout: timeout, due: make(chan time.Time),
		stopped: make(chan struct{}), c: newCollector()}
	rr.dialer.Timeout = timeout
	if rr.build == nil {
		rr.build = targetRequest(cfg.Targeter)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		rr.pace(ctx, maxWorkers)
	}()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-done:
			rr.mu.Lock()
			rep := rr.c.report(interval)
			rr.mu.Unlock()
			if cfg.OnSnapshot != nil {
				cfg.OnSnapshot(rep.Snapshot)
			}
			return rep, nil
		case <-tick.C:
			if cfg.OnSnapshot != nil {
				rr.mu.Lock()
				s := rr.c.snapshot()
				rr.mu.Unlock()
				cfg.OnSnapshot(s)
			}
		}
	}
}

// pace sends the schedule: request i is due at start + i/Rate. It wakes
// for the next due request and hands over all those due by then, so a
// late wake-up sends a burst but never drops or delays a request's
// scheduled time.
func (rr *rawRun) pace(ctx context.Context, maxWorkers uint64) {
	defer func() {
		close(rr.due)
		rr.wg.Wait()
	}()
	rate := float64(rr.cfg.Rate)
	period := float64(time.Second) / rate
	total := int64(-1)
	if rr.cfg.Duration > 0 {
		total = int64(rr.cfg.Duration.Seconds() * rate)
	}
	var workers uint64
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for sent := int64(0); total < 0 || sent < total; {
		dueBy := int64(float64(time.Since(start))/period) + 1
		if total >= 0 {
			dueBy = min(dueBy, total)
		}
		for ; sent < dueBy; sent++ {
			sched := start.Add(time.Duration(float64(sent) * period))
			select {
			case rr.due <- sched:
				continue
			default:
			}
			if workers < maxWorkers && rr.idle.Load() <= 0 {
				workers++
				rr.wg.Add(1)
				go rr.conn()
			}
			select {
			case rr.due <- sched:
			case <-ctx.Done():
				return
			case <-rr.stopped:
				return
			}
		}
		if total >= 0 && sent >= total {
			return
		}
		timer.Reset(time.Until(start.Add(time.Duration(float64(sent) * period))))
		select {
		case <-timer.C:
		case <-ctx.Done():
			return
		case <-rr.stopped:
			return
		}
	}
}

// rawConn is one keep-alive connection and its buffers.
type rawConn struct {
	nc  net.Conn
	br  *bufio.Reader
	req []byte
	// res is the result of the request in flight when no OnResult sees
	// it (the collector keeps nothing of it): one allocation less per
	// request.
	res Result
}

func (c *rawConn) close() {
	if c.nc != nil {
		_ = c.nc.Close()
		c.nc = nil
	}
}

// conn serves scheduled requests on one connection until the schedule
// ends, redialing after an error.
func (rr *rawRun) conn() {
	defer rr.wg.Done()
	c := &rawConn{}
	defer c.close()
	for {
		rr.idle.Add(1)
		sched, ok := <-rr.due
		rr.idle.Add(-1)
		if !ok {
			return
		}
		rr.record(rr.do(c, sched))
	}
}

// errBadResponse is wrapped by answers EngineRaw cannot parse.
var errBadResponse = errors.New("loadgen: malformed HTTP response")

// do sends one request on c and reads its answer. The result is c.res
// when no OnResult may keep it.
func (rr *rawRun) do(c *rawConn, sched time.Time) *Result {
	var r *Result
	if rr.cfg.OnResult == nil {
		r = &c.res
		*r = Result{Timestamp: sched}
	} else {
		r = &Result{Timestamp: sched}
	}
	fail := func(err error) *Result {
		c.close()
		r.Code, r.Error, r.Latency = 0, err.Error(), time.Since(sched)
		return r
	}
	var err error
	c.req, err = rr.build(c.req[:0])
	if err != nil {
		rr.stop()
		return fail(err)
	}
	r.BytesOut = uint64(len(c.req))
	if c.nc == nil {
		nc, err := rr.dialer.Dial("tcp", rr.cfg.Addr)
		if err != nil {
			return fail(err)
		}
		c.nc = nc
		if c.br == nil {
			c.br = bufio.NewReaderSize(nc, 4096)
		} else {
			c.br.Reset(nc)
		}
	}
	if err := c.nc.SetDeadline(time.Now().Add(rr.timeout)); err != nil {
		return fail(err)
	}
	if _, err := c.nc.Write(c.req); err != nil {
		return fail(err)
	}
	code, body, keep, err := readResponse(c.br, rr.cfg.OnResult != nil)
	if err != nil {
		return fail(err)
	}
	r.Latency = time.Since(sched)
	r.Code, r.Body, r.BytesIn = uint16(code), body, uint64(len(body))
	if code >= 400 {
		r.Error = http.StatusText(code)
	}
	if !keep {
		c.close()
	}
	return r
}

// readResponse reads one answer: its status, its body (kept only when
// keepBody) and whether the connection stays open.
func readResponse(br *bufio.Reader, keepBody bool) (code int, body []byte, keep bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	// "HTTP/1.1 201 Created\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, nil, false, fmt.Errorf("%w: status line %q", errBadResponse, line)
	}
	code = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	if code < 100 || code > 599 {
		return 0, nil, false, fmt.Errorf("%w: status line %q", errBadResponse, line)
	}
	keep = line[7] == '1' // HTTP/1.0 closes unless told otherwise; treat it as closing
	length, chunked := int64(-1), false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		if len(h) <= 2 { // "\r\n": end of the header
			break
		}
		i := bytes.IndexByte(h, ':')
		if i <= 0 {
			return 0, nil, false, fmt.Errorf("%w: header line %q", errBadResponse, h)
		}
		name, value := h[:i], bytes.TrimSpace(h[i+1:])
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return 0, nil, false, fmt.Errorf("%w: Content-Length %q", errBadResponse, value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keep = false
			}
		}
	}
	switch {
	case code < 200 || code == http.StatusNoContent || code == http.StatusNotModified:
		return code, nil, keep, nil
	case chunked:
		body, err = readChunked(br, keepBody)
		return code, body, keep, err
	case length >= 0:
		body, err = readBody(br, length, keepBody)
		return code, body, keep, err
	default: // the body runs to the end of the connection
		if keepBody {
			body, err = io.ReadAll(br)
		} else {
			_, err = io.Copy(io.Discard, br)
		}
		return code, body, false, err
	}
}

func readBody(br *bufio.Reader, n int64, keep bool) ([]byte, error) {
	if !keep {
		_, err := br.Discard(int(n))
		return nil, err
	}
	b := make([]byte, n)
	_, err := io.ReadFull(br, b)
	return b, err
}

func readChunked(br *bufio.Reader, keep bool) ([]byte, error) {
	var body []byte
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(line), 16, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: chunk size %q", errBadResponse, line)
		}
		if n == 0 {
			for { // trailers, up to the empty line
				t, err := br.ReadSlice('\n')
				if err != nil {
					return nil, err
				}
				if len(t) <= 2 {
					return body, nil
				}
			}
		}
		chunk, err := readBody(br, n, keep)
		if err != nil {
			return nil, err
		}
		body = append(body, chunk...)
		if _, err := br.Discard(2); err != nil { // the chunk's CRLF
			return nil, err
		}
	}
}
