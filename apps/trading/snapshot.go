package trading

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/apps/trading/journal"
)

// Snapshot is the engine's state at one journal position: every book as
// it was after applying the journal's entries 1..JournalSeq, with its
// state hash. A node starts from the latest snapshot and replays only the
// journal after it; the journal's segments before it can be deleted.
type Snapshot struct {
	JournalSeq uint64                  `json:"journalSeq"`
	Taken      time.Time               `json:"taken"`
	Books      map[string]engine.State `json:"books"`
	Hashes     map[string]uint64       `json:"hashes"`
}

// SnapshotInfo describes a snapshot Node.Snapshot wrote.
type SnapshotInfo struct {
	JournalSeq uint64            `json:"journalSeq"`
	Hashes     map[string]uint64 `json:"hashes"`
	Compacted  uint64            `json:"compacted"` // journal entries deleted
}

// SnapshotPath is where a node keeps its snapshot.
func (n *Node) SnapshotPath() string { return snapshotPath(n.cfg) }

func snapshotPath(cfg NodeConfig) string {
	if cfg.SnapshotPath != "" {
		return cfg.SnapshotPath
	}
	return cfg.JournalPath + ".snap"
}

// ReadSnapshot reads a snapshot file; (nil, nil) when there is none.
func ReadSnapshot(path string) (*Snapshot, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("trading: snapshot %s: %w", path, err)
	}
	return &s, nil
}

// restore loads a snapshot into fresh books and checks each one's state
// hash against the one recorded when the snapshot was taken.
func (s *Snapshot) restore(symbol string, b *engine.Book) error {
	st, ok := s.Books[symbol]
	if !ok {
		return nil // a market added since: its book starts empty
	}
	if err := b.Restore(&st); err != nil {
		return fmt.Errorf("trading: snapshot of %s: %w", symbol, err)
	}
	if h := b.StateHash(); h != s.Hashes[symbol] {
		return fmt.Errorf("trading: snapshot of %s restores hash %016x, taken with %016x", symbol, h, s.Hashes[symbol])
	}
	return nil
}

// Snapshot writes the engine's state at the current journal position and
// deletes the journal segments it makes unnecessary. It takes a cut (the
// journal paused between two groups, every book read after exactly the
// entries up to that position), waits until settlement has committed
// every event those entries produced — recovery from the snapshot will
// not produce them again, so nothing unsettled may be dropped — deletes the
// outbox rows of the journaled entries (a restarted relay must
// not journal them again, and no longer finds them in the journal), then
// writes the snapshot atomically and compacts the journal.
func (n *Node) Snapshot(ctx context.Context) (*SnapshotInfo, error) {
	n.snapMu.Lock()
	defer n.snapMu.Unlock()
	snap := &Snapshot{Taken: time.Now().UTC(), Books: map[string]engine.State{}, Hashes: map[string]uint64{}}
	seqs := map[string]uint64{}
	err := n.jr.AtDurable(func(seq uint64) error {
		snap.JournalSeq = seq
		for _, m := range n.store.list {
			if err := n.eng.Do(ctx, m.Symbol, func(b *engine.Book) {
				snap.Books[m.Symbol], snap.Hashes[m.Symbol], seqs[m.Symbol] = b.State(), b.StateHash(), b.Seq()
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for sym, seq := range seqs {
		for n.Settled(sym) < seq {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	if err := n.markRelayed(ctx); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(n.SnapshotPath(), snap); err != nil {
		return nil, err
	}
	removed, err := n.jr.Compact(snap.JournalSeq)
	if err != nil {
		return nil, err
	}
	return &SnapshotInfo{JournalSeq: snap.JournalSeq, Hashes: snap.Hashes, Compacted: removed}, nil
}

// markRelayed deletes the outbox rows of every durable journal entry
// (marks them relayed, see Node.relay) and forgets them: the relay
// pauses meanwhile, so none of them is read as unrelayed and journaled
// again.
func (n *Node) markRelayed(ctx context.Context) error {
	n.relayMu.Lock()
	defer n.relayMu.Unlock()
	n.jmu.Lock()
	var ids []int64
	for ref, st := range n.journaled {
		if st == refDurable {
			ids = append(ids, int64(ref))
		}
	}
	n.jmu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	if _, err := n.store.pool.Exec(ctx, `DELETE FROM order_outbox WHERE id = ANY($1)`, ids); err != nil {
		return err
	}
	n.jmu.Lock()
	for _, id := range ids {
		delete(n.journaled, uint64(id))
	}
	n.jmu.Unlock()
	return nil
}

// writeFileAtomic writes v as JSON to path through a synced temporary
// file and a rename, then syncs the directory: a crash leaves the old
// snapshot or the new one, never a mix.
func writeFileAtomic(path string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// copyJournal copies the journal's segment files (all of them must be
// quiet: call it inside Journal.AtDurable) into dir, under the same base
// name, and returns the copy's path.
func copyJournal(path, dir string) (string, error) {
	base := filepath.Base(path)
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	for _, d := range entries {
		name := d.Name()
		if name != base && !(strings.HasPrefix(name, base+".") && len(name) == len(base)+21) {
			continue
		}
		if err := copyFile(filepath.Join(filepath.Dir(path), name), filepath.Join(dir, name)); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, base), nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// rebuildBooks builds every market's book from a snapshot (nil: none)
// and the journal at path after it, as a restarted node does, and returns
// their state hashes.
func rebuildBooks(markets []Market, snap *Snapshot, path string) (map[string]uint64, error) {
	books := map[string]*engine.Book{}
	for _, m := range markets {
		books[m.Symbol] = engine.NewBook(nil, nil)
		if snap != nil {
			if err := snap.restore(m.Symbol, books[m.Symbol]); err != nil {
				return nil, err
			}
		}
	}
	opts := &journal.Options{NoSync: true}
	if snap != nil {
		opts.From = snap.JournalSeq
	}
	jr, err := journal.Open(path, func(e journal.Entry) error {
		if b, ok := books[e.Symbol]; ok {
			b.Apply(&e.Cmd)
		}
		return nil
	}, opts)
	if err != nil {
		return nil, err
	}
	if err := jr.Close(); err != nil {
		return nil, err
	}
	out := map[string]uint64{}
	for sym, b := range books {
		out[sym] = b.StateHash()
	}
	return out, nil
}

// snapshotLoop takes a snapshot every interval until ctx ends.
func (n *Node) snapshotLoop(ctx context.Context, every time.Duration) {
	n.everyUntil(ctx, every, "snapshot", func() error {
		_, err := n.Snapshot(ctx)
		return err
	})
}

// everyUntil runs fn at each tick of every until ctx ends (one of the
// relay's goroutines), logging its errors as what.
func (n *Node) everyUntil(ctx context.Context, every time.Duration, what string, fn func() error) {
	defer n.relayWG.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := fn(); err != nil && ctx.Err() == nil {
				n.log.Warn("trading: "+what, "err", err)
			}
		}
	}
}
