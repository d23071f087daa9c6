//go:build linux

package analytics_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The benchmark's subscribers: raw TCP sockets read by a few goroutines
// through epoll (one per core), not one net/http client and goroutine per
// subscriber, so that the subscribers' own CPU time is small next to the
// server's. They are honest readers all the same: every byte of every
// event is read from its socket, the HTTP response (close-delimited or
// chunked) and the text/event-stream framing are parsed, and an event's
// latency is taken when its blank line, the end of the event, has been
// read.

// rawSub is one subscriber connection.
type rawSub struct {
	fd         int
	header     bool   // the HTTP response head has been read
	chunked    bool   // Transfer-Encoding: chunked
	chunkLeft  int    // bytes left in the current chunk; -1: a size line is next
	raw        []byte // undecoded bytes carried over (head or chunk framing)
	sse        []byte // an incomplete event carried over
	subscribed bool
}

// rawPoller reads its share of the subscribers.
type rawPoller struct {
	epfd       int
	subs       map[int32]*rawSub
	lat        []time.Duration
	subscribed *atomic.Int64
	failed     *atomic.Int64
}

// dialRaw connects n subscribers to addr and sends each a GET of path;
// the pollers then read them until stop is closed.
func dialRaw(addr netip.AddrPort, path string, n int) ([]*rawPoller, *atomic.Int64, *atomic.Int64, error) {
	var subscribed, failed atomic.Int64
	pollers := make([]*rawPoller, runtime.GOMAXPROCS(0))
	for i := range pollers {
		epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err != nil {
			return nil, nil, nil, err
		}
		pollers[i] = &rawPoller{epfd: epfd, subs: map[int32]*rawSub{}, subscribed: &subscribed, failed: &failed}
	}
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr.String() + "\r\nAccept: text/event-stream\r\n\r\n")
	sa := &syscall.SockaddrInet4{Port: int(addr.Port()), Addr: addr.Addr().As4()}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next atomic.Int64
		errs []error
	)
	for range 32 { // concurrent connects
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fd, err := connectRaw(sa, req)
				if err != nil {
					failed.Add(1)
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				p := pollers[i%len(pollers)]
				mu.Lock()
				p.subs[int32(fd)] = &rawSub{fd: fd, chunkLeft: -1}
				mu.Unlock()
				ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
				if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	var err error
	if len(errs) > 0 {
		err = fmt.Errorf("%d connections failed, first: %w", len(errs), errs[0])
	}
	return pollers, &subscribed, &failed, err
}

// connectRaw opens a connection (retrying as EventSource does when a
// loaded server refuses it) and sends the request.
func connectRaw(sa *syscall.SockaddrInet4, req []byte) (int, error) {
	var err error
	for attempt := range 10 {
		if attempt > 0 {
			time.Sleep(time.Duration(100*attempt) * time.Millisecond)
		}
		var fd int
		fd, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			return -1, err
		}
		if err = syscall.Connect(fd, sa); err == nil {
			_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
			if _, err = syscall.Write(fd, req); err == nil {
				if err = syscall.SetNonblock(fd, true); err == nil {
					return fd, nil
				}
			}
		}
		_ = syscall.Close(fd)
	}
	return -1, err
}

// run reads until stop is closed.
func (p *rawPoller) run(stop <-chan struct{}) {
	events := make([]syscall.EpollEvent, 256)
	buf := make([]byte, 64<<10)
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, err := syscall.EpollWait(p.epfd, events, 100)
		if err != nil && err != syscall.EINTR {
			panic(err)
		}
		for _, ev := range events[:max(n, 0)] {
			s := p.subs[ev.Fd]
			if s == nil {
				continue
			}
			k, err := syscall.Read(s.fd, buf)
			if err == syscall.EAGAIN || err == syscall.EINTR {
				continue
			}
			if k <= 0 {
				p.drop(s)
				continue
			}
			if !p.feed(s, buf[:k]) {
				p.drop(s)
			}
		}
	}
}

func (p *rawPoller) drop(s *rawSub) {
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, s.fd, nil)
	_ = syscall.Close(s.fd)
	delete(p.subs, int32(s.fd))
	p.failed.Add(1)
}

func (p *rawPoller) close() {
	for _, s := range p.subs {
		_ = syscall.Close(s.fd)
	}
	_ = syscall.Close(p.epfd)
}

// feed parses bytes read from s; false on a protocol error.
func (p *rawPoller) feed(s *rawSub, b []byte) bool {
	if !s.header {
		s.raw = append(s.raw, b...)
		end := bytes.Index(s.raw, []byte("\r\n\r\n"))
		if end < 0 {
			return len(s.raw) < 16<<10
		}
		head := s.raw[:end+2]
		if !bytes.HasPrefix(head, []byte("HTTP/1.1 200 ")) {
			return false
		}
		s.header = true
		s.chunked = bytes.Contains(bytes.ToLower(head), []byte("\r\ntransfer-encoding: chunked\r\n"))
		b = append([]byte(nil), s.raw[end+4:]...)
		s.raw = nil
	}
	if !s.chunked {
		return p.events(s, b)
	}
	// Chunked: hand each chunk's data to the event parser.
	if len(s.raw) > 0 {
		s.raw = append(s.raw, b...)
		b, s.raw = s.raw, nil
	}
	for len(b) > 0 {
		if s.chunkLeft < 0 { // "<hex size>\r\n"
			eol := bytes.Index(b, []byte("\r\n"))
			if eol < 0 {
				s.raw = append(s.raw, b...)
				return len(s.raw) < 64
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(b[:eol])), 16, 64)
			if err != nil || size == 0 {
				return false
			}
			s.chunkLeft = int(size)
			b = b[eol+2:]
			continue
		}
		if s.chunkLeft == 0 { // the chunk's trailing "\r\n"
			if len(b) < 2 {
				s.raw = append(s.raw, b...)
				return true
			}
			if b[0] != '\r' || b[1] != '\n' {
				return false
			}
			b = b[2:]
			s.chunkLeft = -1
			continue
		}
		k := min(s.chunkLeft, len(b))
		if !p.events(s, b[:k]) {
			return false
		}
		s.chunkLeft -= k
		b = b[k:]
	}
	return true
}

// events parses text/event-stream bytes: each event ends with a blank
// line; its data line carries the publisher's timestamp.
func (p *rawPoller) events(s *rawSub, b []byte) bool {
	if len(s.sse) > 0 {
		s.sse = append(s.sse, b...)
		b = s.sse
	}
	for {
		end := bytes.Index(b, []byte("\n\n"))
		if end < 0 {
			break
		}
		ev := b[:end+1]
		b = b[end+2:]
		now := time.Now()
		for len(ev) > 0 {
			line := ev
			if i := bytes.IndexByte(ev, '\n'); i >= 0 {
				line, ev = ev[:i], ev[i+1:]
			} else {
				ev = nil
			}
			switch {
			case bytes.HasPrefix(line, []byte("data: ")):
				at, ok := publishedAt(line[len("data: "):])
				if !ok {
					return false
				}
				p.lat = append(p.lat, now.Sub(time.Unix(0, at)))
			case bytes.HasPrefix(line, []byte("retry: ")):
				if !s.subscribed {
					s.subscribed = true
					p.subscribed.Add(1)
				}
			}
		}
	}
	if len(b) > 0 {
		s.sse = append(s.sse[:0:0], b...)
	} else {
		s.sse = s.sse[:0]
	}
	return len(s.sse) < 1<<20
}
