package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// The write gate sits between clients and FerretDB's listener. FerretDB
// applies an update as read-modify-write without isolation, so two
// concurrent updates of one document can both read the old value and one
// of them is lost. The gate reads each client message, and for an OP_MSG
// whose command writes (see writeCommands) it takes the lock of the
// command's database, forwards the message and holds the lock until
// FerretDB's reply has come back. Reads and everything else pass through
// concurrently. It parses no more than the message header, the OP_MSG
// flags and the first key and "$db" of the command document, and it
// refuses (with a CodeUnsupported error reply) any message holding a
// Decimal128, on which FerretDB would close the connection.

const (
	opMsg          = 2013
	headerLen      = 16
	maxMessageLen  = 48 << 20 // maxMessageSizeBytes FerretDB and MongoDB advertise
	flagChecksum   = 1 << 0
	flagMoreToCome = 1 << 1
)

// writeCommands are the commands FerretDB 1.x handles by changing data or
// catalog state. (Its aggregate supports no $out or $merge stage.)
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"create": true, "drop": true, "dropDatabase": true, "createIndexes": true, "dropIndexes": true,
	"renameCollection": true, "collMod": true, "compact": true,
	"createUser": true, "dropUser": true, "updateUser": true, "dropAllUsersFromDatabase": true,
}

// gate proxies connections accepted on ln to backend.
type gate struct {
	ln      net.Listener
	backend string

	mu    sync.Mutex
	dbs   map[string]*sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newGate(ln net.Listener, backend string) *gate {
	return &gate{ln: ln, backend: backend, dbs: map[string]*sync.Mutex{}, conns: map[net.Conn]struct{}{}}
}

// dbLock returns the write lock of database db.
func (g *gate) dbLock(db string) *sync.Mutex {
	g.mu.Lock()
	defer g.mu.Unlock()
	l, ok := g.dbs[db]
	if !ok {
		l = &sync.Mutex{}
		g.dbs[db] = l
	}
	return l
}

func (g *gate) track(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conns == nil {
		return false
	}
	g.conns[c] = struct{}{}
	return true
}

func (g *gate) untrack(c net.Conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.conns, c)
}

// serve accepts connections until the listener is closed.
func (g *gate) serve() {
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		if !g.track(c) {
			_ = c.Close()
			return
		}
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			defer g.untrack(c)
			g.handle(c)
		}()
	}
}

// close stops accepting and waits for the open connections to end until
// ctx is done; then it cuts those still open and waits for their
// goroutines. It reports whether all ended on their own.
func (g *gate) close(ctx context.Context) bool {
	_ = g.ln.Close()
	idle := make(chan struct{})
	go func() { g.wg.Wait(); close(idle) }()
	clean := true
	select {
	case <-idle:
	case <-ctx.Done():
		clean = false
	}
	g.mu.Lock()
	for c := range g.conns {
		_ = c.Close()
	}
	g.conns = nil
	g.mu.Unlock()
	<-idle
	return clean
}

// gconn is one proxied client connection.
type gconn struct {
	client, server net.Conn

	wmu     sync.Mutex // one writer of client at a time
	mu      sync.Mutex
	pending map[int32]pendingReply // requestID -> waiter
	done    chan struct{}          // closed when the reply pump stops
}

type pendingReply struct {
	ch      chan struct{}
	discard bool // the client sent moreToCome and expects no reply
}

func (g *gate) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", g.backend)
	if err != nil {
		return
	}
	defer server.Close()
	gc := &gconn{client: client, server: server, pending: map[int32]pendingReply{}, done: make(chan struct{})}
	go gc.pumpReplies()
	gc.pumpRequests(g)
	// The client side ended: cut the server side so the reply pump ends.
	_ = server.Close()
	<-gc.done
}

// pumpReplies copies FerretDB's replies to the client and wakes the
// request that waits for a reply.
func (gc *gconn) pumpReplies() {
	defer close(gc.done)
	defer gc.client.Close()
	for {
		msg, err := readMessage(gc.server)
		if err != nil {
			return
		}
		responseTo := int32(binary.LittleEndian.Uint32(msg[8:12]))
		gc.mu.Lock()
		p, ok := gc.pending[responseTo]
		delete(gc.pending, responseTo)
		gc.mu.Unlock()
		if !ok || !p.discard {
			if err := gc.reply(msg); err != nil {
				if ok {
					close(p.ch)
				}
				return
			}
		}
		if ok {
			close(p.ch)
		}
	}
}

// reply writes one whole message to the client.
func (gc *gconn) reply(msg []byte) error {
	gc.wmu.Lock()
	defer gc.wmu.Unlock()
	_, err := gc.client.Write(msg)
	return err
}

// pumpRequests forwards the client's messages, holding a database's write
// lock from sending a write until its reply arrived. A message FerretDB
// cannot handle (see unsupported) is answered with an error instead.
func (gc *gconn) pumpRequests(g *gate) {
	for {
		msg, err := readMessage(gc.client)
		if err != nil {
			return
		}
		if why := unsupported(msg); why != "" {
			if binary.LittleEndian.Uint32(msg[16:20])&flagMoreToCome != 0 {
				continue // unacknowledged: the client expects no reply
			}
			if err := gc.reply(errorReply(int32(binary.LittleEndian.Uint32(msg[4:8])), why)); err != nil {
				return
			}
			continue
		}
		db, write, moreToCome := classify(msg)
		if !write {
			if _, err := gc.server.Write(msg); err != nil {
				return
			}
			continue
		}
		if moreToCome {
			// An unacknowledged write: ask for the reply anyway, so the
			// lock is held until the write is done, and drop the reply.
			msg = acknowledged(msg)
		}
		requestID := int32(binary.LittleEndian.Uint32(msg[4:8]))
		p := pendingReply{ch: make(chan struct{}), discard: moreToCome}
		lock := g.dbLock(db)
		lock.Lock()
		gc.mu.Lock()
		gc.pending[requestID] = p
		gc.mu.Unlock()
		_, err = gc.server.Write(msg)
		if err == nil {
			select {
			case <-p.ch:
			case <-gc.done:
				err = io.ErrClosedPipe
			}
		}
		lock.Unlock()
		if err != nil {
			return
		}
	}
}

var errBadMessage = errors.New("embedded: malformed wire message")

// readMessage reads one whole wire protocol message.
func readMessage(r io.Reader) ([]byte, error) {
	var hdr [headerLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(hdr[:4])))
	if n < headerLen || n > maxMessageLen {
		return nil, errBadMessage
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// classify reports the database of msg and whether it is a write command
// (an OP_MSG whose command document starts with a key in writeCommands),
// and whether the client set moreToCome (expects no reply).
func classify(msg []byte) (db string, write, moreToCome bool) {
	if len(msg) < headerLen+5 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return "", false, false
	}
	flags := binary.LittleEndian.Uint32(msg[16:20])
	body, ok := msgBody(msg, flags)
	if !ok {
		return "", false, false
	}
	first, err := body.IndexErr(0)
	if err != nil || !writeCommands[first.Key()] {
		return "", false, false
	}
	if v, err := body.LookupErr("$db"); err == nil {
		db, _ = v.StringValueOK()
	}
	return db, true, flags&flagMoreToCome != 0
}

// msgBody finds the kind-0 section (the command document) of an OP_MSG.
func msgBody(msg []byte, flags uint32) (bsoncore.Document, bool) {
	var body bsoncore.Document
	sections(msg, flags, func(kind byte, sec []byte) bool {
		if kind != 0 {
			return true
		}
		if doc := bsoncore.Document(sec); doc.Validate() == nil {
			body = doc
		}
		return false
	})
	return body, body != nil
}

// sections calls fn with each section of an OP_MSG (its kind and bytes,
// size included) until fn returns false; it stops at a malformed or
// unknown section.
func sections(msg []byte, flags uint32, fn func(kind byte, sec []byte) bool) {
	end := len(msg)
	if flags&flagChecksum != 0 {
		end -= 4
	}
	for i := headerLen + 4; i < end; {
		kind := msg[i]
		i++
		if i+4 > end {
			return
		}
		size := int(int32(binary.LittleEndian.Uint32(msg[i : i+4])))
		if size < 5 || i+size > end || kind > 1 {
			return
		}
		if !fn(kind, msg[i:i+size]) {
			return
		}
		i += size // a document sequence: its size includes itself
	}
}

// acknowledged returns msg without moreToCome (and without a checksum,
// which would no longer match).
func acknowledged(msg []byte) []byte {
	flags := binary.LittleEndian.Uint32(msg[16:20])
	if flags&flagChecksum != 0 {
		msg = msg[:len(msg)-4]
		binary.LittleEndian.PutUint32(msg[:4], uint32(len(msg)))
	}
	flags &^= flagMoreToCome | flagChecksum
	binary.LittleEndian.PutUint32(msg[16:20], flags)
	return msg
}
