package analytics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// decodeFast reads one event object without reflection, for the common
// shape of an ingest line: the five known keys spelled exactly, each at
// most once, strings of printable ASCII without escapes, metadata a flat
// object of such strings. Anything else (escapes, non-ASCII, unknown or
// differently cased keys, nesting, bad syntax) returns ok false and the
// caller decodes with encoding/json, which also words the rejection. Where
// it answers, it answers as encoding/json would (FuzzDecodeFast).
func decodeFast(raw []byte) (w wireEvent, ok bool) {
	d := scanner{b: raw}
	if w, ok = d.event(); !ok {
		return w, false
	}
	d.space()
	return w, d.i == len(d.b)
}

// event reads one event object (see decodeFast) and stops after it.
func (d *scanner) event() (w wireEvent, ok bool) {
	raw := d.b
	if !d.byte('{') {
		return w, false
	}
	if d.byte('}') {
		return w, true
	}
	var seen uint8
	for {
		key, ok := d.str()
		if !ok || !d.byte(':') {
			return w, false
		}
		var bit uint8
		switch string(key) {
		case "eventType", "userId":
			s, ok := d.str()
			if !ok {
				return w, false
			}
			v := string(s)
			if bit = 1; key[0] == 'u' {
				bit, w.User = 2, &v
			} else {
				w.Type = &v
			}
		case "timestamp":
			bit = 4
			d.space()
			start := d.i
			if d.peek() == '"' {
				if _, ok := d.str(); !ok {
					return w, false
				}
			} else if !d.number() {
				return w, false
			}
			w.Time = raw[start:d.i]
		case "value":
			bit = 8
			d.space()
			start := d.i
			if !d.number() {
				return w, false
			}
			w.Value = raw[start:d.i]
		case "metadata":
			bit = 16
			m, ok := d.strMap()
			if !ok {
				return w, false
			}
			w.Metadata = m
		default:
			return w, false
		}
		if seen&bit != 0 {
			return w, false
		}
		seen |= bit
		if d.byte('}') {
			break
		}
		if !d.byte(',') {
			return w, false
		}
	}
	return w, true
}

// UnmarshalJSON reads a stream entry: what appendBatch writes without
// reflection, anything else with encoding/json (TestBatchUnmarshalFast).
func (b *Batch) UnmarshalJSON(data []byte) error {
	if b == nil {
		return fmt.Errorf("%w: nil *Batch", ErrInvalid)
	}
	if decodeBatchFast(data, b) {
		return nil
	}
	type plain Batch // without this method
	*b = Batch{}
	return json.Unmarshal(data, (*plain)(b))
}

// decodeBatchFast reads {"at":<int>,"events":[<event>,...]} with events
// decodeFast reads and RFC 3339 timestamps, as encoding/json would.
func decodeBatchFast(data []byte, b *Batch) bool {
	d := scanner{b: data}
	if !d.byte('{') {
		return false
	}
	if k, ok := d.str(); !ok || string(k) != "at" || !d.byte(':') {
		return false
	}
	d.space()
	start := d.i
	if !d.number() {
		return false
	}
	at, err := strconv.ParseInt(string(data[start:d.i]), 10, 64)
	if err != nil {
		return false
	}
	if !d.byte(',') {
		return false
	}
	if k, ok := d.str(); !ok || string(k) != "events" || !d.byte(':') || !d.byte('[') {
		return false
	}
	events := make([]Event, 0, bytes.Count(data, []byte(`"eventType"`)))
	if !d.byte(']') {
		for {
			w, ok := d.event()
			if !ok || w.Type == nil || w.User == nil {
				return false
			}
			e := Event{Type: *w.Type, User: *w.User, Metadata: w.Metadata}
			if len(w.Time) > 0 {
				if w.Time[0] != '"' {
					return false
				}
				t, err := time.Parse(time.RFC3339Nano, string(w.Time[1:len(w.Time)-1]))
				if err != nil {
					return false
				}
				e.Time = t
			}
			if len(w.Value) > 0 {
				f, err := strconv.ParseFloat(string(w.Value), 64)
				if err != nil {
					return false
				}
				e.Value = &f
			}
			events = append(events, e)
			if d.byte(']') {
				break
			}
			if !d.byte(',') {
				return false
			}
		}
	}
	if !d.byte('}') {
		return false
	}
	d.space()
	if d.i != len(d.b) {
		return false
	}
	b.Accepted, b.Events = at, events
	return true
}

// scanner is decodeFast's cursor.
type scanner struct {
	b []byte
	i int
}

func (d *scanner) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *scanner) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// byte consumes c after optional white space.
func (d *scanner) byte(c byte) bool {
	d.space()
	if d.peek() != c {
		return false
	}
	d.i++
	return true
}

// str reads a string of printable ASCII without escapes.
func (d *scanner) str() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start := d.i
	for ; d.i < len(d.b); d.i++ {
		switch c := d.b[d.i]; {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			return s, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

// number reads a JSON number (RFC 8259 grammar).
func (d *scanner) number() bool {
	b, i := d.b, d.i
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' || b[i] == '-' || b[i] == '+' || (b[i] >= '0' && b[i] <= '9')) {
		return false
	}
	d.i = i
	return true
}

// strMap reads a flat object of strings; keys seen twice are left to
// encoding/json.
func (d *scanner) strMap() (map[string]string, bool) {
	if !d.byte('{') {
		return nil, false
	}
	m := make(map[string]string, 4)
	if d.byte('}') {
		return m, true
	}
	for {
		k, ok := d.str()
		if !ok || !d.byte(':') {
			return nil, false
		}
		v, ok := d.str()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		m[string(k)] = string(v)
		if d.byte('}') {
			return m, true
		}
		if !d.byte(',') {
			return nil, false
		}
	}
}

// isASCIIPrintable reports whether s is printable ASCII (no control
// characters): such strings need no UTF-8 or control character check.
func isASCIIPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
