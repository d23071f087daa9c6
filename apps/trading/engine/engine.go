package engine

import (
	"context"
	"errors"
	"sync"
)

// Engine runs one Book per symbol, each on its own goroutine: the single
// writer of that book. Commands for one symbol are applied in the order
// they were submitted; symbols proceed in parallel.
type Engine struct {
	mu      sync.RWMutex
	closed  bool
	runners map[string]*runner
	wg      sync.WaitGroup
}

type runner struct {
	book *Book
	in   chan item
}

type item struct {
	cmd  Command
	fn   func(*Book)
	done chan struct{}
}

// Opts tunes an Engine; nil means defaults.
type Opts struct {
	Queue int       // commands buffered per symbol (default 4096)
	Book  *BookOpts // options of every book
}

// New starts one goroutine per symbol. sinkFor gives each symbol's sink;
// it is called once per symbol, and the sink runs on that symbol's
// goroutine.
func New(symbols []string, sinkFor func(symbol string) Sink, opts *Opts) (*Engine, error) {
	if len(symbols) == 0 {
		return nil, errors.New("engine: no symbols")
	}
	queue := 4096
	var bo *BookOpts
	if opts != nil {
		if opts.Queue > 0 {
			queue = opts.Queue
		}
		bo = opts.Book
	}
	e := &Engine{runners: make(map[string]*runner, len(symbols))}
	for _, s := range symbols {
		if _, dup := e.runners[s]; dup || s == "" {
			return nil, errors.New("engine: empty or duplicate symbol " + s)
		}
		var sink Sink
		if sinkFor != nil {
			sink = sinkFor(s)
		}
		r := &runner{book: NewBook(sink, bo), in: make(chan item, queue)}
		e.runners[s] = r
	}
	for _, r := range e.runners {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			for it := range r.in {
				if it.fn != nil {
					it.fn(r.book)
					close(it.done)
					continue
				}
				r.book.Apply(&it.cmd)
			}
		}()
	}
	return e, nil
}

// Symbols returns the traded symbols (in no particular order).
func (e *Engine) Symbols() []string {
	out := make([]string, 0, len(e.runners))
	for s := range e.runners {
		out = append(out, s)
	}
	return out
}

func (e *Engine) send(ctx context.Context, symbol string, it item) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return ErrClosed
	}
	r, ok := e.runners[symbol]
	if !ok {
		return &UnknownSymbolError{Symbol: symbol}
	}
	select {
	case r.in <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Submit queues c for symbol's book. Its events reach the symbol's sink
// later, on the book's goroutine.
func (e *Engine) Submit(ctx context.Context, symbol string, c Command) error {
	return e.send(ctx, symbol, item{cmd: c})
}

// Do runs fn on symbol's goroutine after every command submitted before it,
// and waits for it: the way to read a book (depth, hash) safely.
func (e *Engine) Do(ctx context.Context, symbol string, fn func(*Book)) error {
	if fn == nil {
		return errors.New("engine: nil function")
	}
	done := make(chan struct{})
	if err := e.send(ctx, symbol, item{fn: fn, done: done}); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting commands, lets every book apply what is queued and
// waits for the goroutines to end. It is safe to call more than once.
func (e *Engine) Close() {
	e.mu.Lock()
	if !e.closed {
		e.closed = true
		for _, r := range e.runners {
			close(r.in)
		}
	}
	e.mu.Unlock()
	e.wg.Wait()
}
