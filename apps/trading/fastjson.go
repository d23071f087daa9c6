package trading

import (
	"encoding/json"
	"strconv"
)

// The WebSocket order stream reads and writes its two message shapes by
// hand on the common path: no reflection, no decoder or encoder state per
// message. Anything off the canonical shape (escapes, non-ASCII text,
// numbers that are not plain integers, repeated or unknown keys, null)
// goes to encoding/json, which also names what is wrong, so both paths
// give the same answers (FuzzStreamOrderFastPath, TestAppendAckMatchesJSON).

// parseStreamOrder reads msg into so if it is a JSON object of the
// StreamOrder keys (each at most once, spelled exactly) whose values are
// strings of printable ASCII without escapes and, for accountId, an
// integer without fraction or exponent. It returns false, with so
// unspecified, for anything else.
func parseStreamOrder(msg []byte, so *StreamOrder) bool {
	p := jsonScanner{b: msg}
	if !p.byte('{') {
		return false
	}
	var seen uint8
	if p.byte('}') {
		return p.end()
	}
	fields := [len(streamOrderKeys)]*string{&so.ClientOrderID, nil, &so.Symbol, &so.Side, &so.Type, &so.TIF, &so.Price, &so.Quantity}
	for {
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return false
		}
		k := -1
		for i, name := range streamOrderKeys {
			if string(key) == name {
				k = i
				break
			}
		}
		if k < 0 || seen&(1<<k) != 0 {
			return false
		}
		seen |= 1 << k
		if dst := fields[k]; dst != nil {
			v, ok := p.str()
			if !ok {
				return false
			}
			*dst = string(v)
		} else {
			n, ok := p.int()
			if !ok {
				return false
			}
			so.AccountID = n
		}
		if p.byte(',') {
			continue
		}
		if p.byte('}') {
			return p.end()
		}
		return false
	}
}

// streamOrderKeys are StreamOrder's JSON keys; accountId (index 1) is the
// one integer.
var streamOrderKeys = [...]string{"clientOrderId", "accountId", "symbol", "side", "type", "tif", "price", "quantity"}

// jsonScanner reads the canonical subset of JSON parseStreamOrder takes.
type jsonScanner struct {
	b []byte
	i int
}

func (p *jsonScanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c (after whitespace) if it is next.
func (p *jsonScanner) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end says whether only whitespace is left.
func (p *jsonScanner) end() bool {
	p.space()
	return p.i == len(p.b)
}

// str reads a string of printable ASCII without escapes.
func (p *jsonScanner) str() ([]byte, bool) {
	if !p.byte('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return p.b[start : p.i-1], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// int reads an integer that fits an int: -?(0|[1-9][0-9]*), not followed
// by a fraction or an exponent.
func (p *jsonScanner) int() (int, bool) {
	p.space()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || (p.b[digits] == '0' && p.i-digits > 1) {
		return 0, false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, false
	}
	n, err := strconv.Atoi(string(p.b[start:p.i]))
	return n, err == nil
}

// appendAck appends a's JSON, as encoding/json writes it, to dst.
func appendAck(dst []byte, a *StreamAck) []byte {
	if !plainJSON(a.Type) || !plainJSON(a.ClientOrderID) || !plainJSON(a.Status) ||
		(a.Error != nil && (!plainJSON(a.Error.Code) || !plainJSON(a.Error.Field) || !plainJSON(a.Error.Message))) {
		b, _ := json.Marshal(a)
		return append(dst, b...)
	}
	dst = append(dst, `{"type":"`...)
	dst = append(dst, a.Type...)
	dst = append(dst, `","clientOrderId":"`...)
	dst = append(dst, a.ClientOrderID...)
	dst = append(dst, '"')
	if a.IntakeSeq != 0 {
		dst = append(dst, `,"intakeSeq":`...)
		dst = strconv.AppendUint(dst, a.IntakeSeq, 10)
	}
	if a.OrderID != 0 {
		dst = append(dst, `,"orderId":`...)
		dst = strconv.AppendInt(dst, a.OrderID, 10)
	}
	if a.Status != "" {
		dst = append(dst, `,"status":"`...)
		dst = append(dst, a.Status...)
		dst = append(dst, '"')
	}
	if e := a.Error; e != nil {
		dst = append(dst, `,"error":{"code":"`...)
		dst = append(dst, e.Code...)
		dst = append(dst, '"')
		if e.Field != "" {
			dst = append(dst, `,"field":"`...)
			dst = append(dst, e.Field...)
			dst = append(dst, '"')
		}
		dst = append(dst, `,"message":"`...)
		dst = append(dst, e.Message...)
		dst = append(dst, `"}`...)
	}
	return append(dst, '}')
}

// plainJSON says whether encoding/json writes s as it is between quotes:
// printable ASCII other than the quote, the backslash and the characters
// it escapes for HTML (<, >, &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
