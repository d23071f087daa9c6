package analytics

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// appendBatch appends the JSON of Batch{Accepted: at, Events: events},
// what json.Marshal writes up to key order and number spelling (the
// rollups read it with json.Unmarshal; TestAppendBatchRoundTrip), without
// reflection: on the ingest path it cost as much as everything else the
// process does per event.
func appendBatch(b []byte, at int64, events []Event) ([]byte, error) {
	if b == nil {
		b = make([]byte, 0, 64+len(events)*160)
	}
	b = append(b, `{"at":`...)
	b = strconv.AppendInt(b, at, 10)
	b = append(b, `,"events":[`...)
	for i := range events {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendEvent(b, &events[i]); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

func appendEvent(b []byte, e *Event) ([]byte, error) {
	b = append(b, `{"eventType":`...)
	b = appendJSONString(b, e.Type)
	b = append(b, `,"userId":`...)
	b = appendJSONString(b, e.User)
	if !e.Time.IsZero() {
		if y := e.Time.Year(); y < 0 || y > 9999 {
			return nil, fmt.Errorf("analytics: encode event: timestamp %v outside years 0-9999", e.Time)
		}
		b = append(b, `,"timestamp":"`...)
		b = e.Time.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	if e.Value != nil {
		v := *e.Value
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("analytics: encode event: value %v is not a JSON number", v)
		}
		b = append(b, `,"value":`...)
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	if len(e.Metadata) > 0 {
		b = append(b, `,"metadata":{`...)
		first := true
		for k, v := range e.Metadata {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, v)
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendJSONString appends s quoted: printable ASCII other than the quote
// and the backslash as is, anything else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
