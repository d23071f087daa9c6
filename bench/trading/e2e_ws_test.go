package trading

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/polystore/polystore/apps/trading"
)

// wsLoad sends the orders over conns WebSocket connections to the order
// stream at rate orders/s for duration, open loop: order i is due at
// start + i/rate and goes on connection i mod conns, whose pacer sends it
// when due (late if the connection's write blocks, and the lateness counts
// against it). Each acknowledgement's latency runs from its order's due
// time. At intake (placedAck false) the acknowledgement is the "ack"
// message (valid and journaled) and the "placed" message that follows is
// recorded as the placement latency; with placedAck the stream is opened
// with ?ack=placed and the one answer, "placed", is the acknowledgement.
// It waits up to 30 s for the last answers (the missing are failures).
func wsLoad(ctx context.Context, url string, rate int, duration time.Duration, conns int, placedAck bool, accounts []int, run loadRecorder) error {
	if placedAck {
		url += "?ack=placed"
	}
	total := int64(duration.Seconds() * float64(rate))
	interval := time.Second / time.Duration(rate)
	cs := make([]*websocket.Conn, conns)
	for k := range cs {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			return err
		}
		c.SetReadLimit(1 << 20)
		cs[k] = c
	}
	var sent, answered atomic.Int64
	wrote := make([]atomic.Int64, total) // when order i's message was written (Unix ns)
	start := time.Now().Add(10 * time.Millisecond)
	due := func(i int64) time.Time { return start.Add(time.Duration(i) * interval) }
	var pacers, readers sync.WaitGroup
	for k, c := range cs {
		pacers.Go(func() {
			for i := int64(k); i < total; i += int64(conns) {
				if d := time.Until(due(i)); d > 0 {
					time.Sleep(d)
				}
				msg, _ := json.Marshal(trading.StreamOrder{ClientOrderID: strconv.FormatInt(i, 10), OrderRequest: e2eOrder(accounts, i)})
				if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
					run.fail("write: " + err.Error())
					return
				}
				wrote[i].Store(time.Now().UnixNano())
				sent.Add(1)
			}
		})
		readers.Go(func() {
			for {
				_, msg, err := c.Read(ctx)
				if err != nil {
					return // closed at the end
				}
				now := time.Now()
				answered.Add(1)
				var ack trading.StreamAck
				if err := json.Unmarshal(msg, &ack); err != nil {
					run.fail("bad ack")
					continue
				}
				i, err := strconv.ParseInt(ack.ClientOrderID, 10, 64)
				if err == nil && ack.Type == trading.StreamAckType && !placedAck {
					answered.Add(-1) // the placement follows
					var at time.Time
					if i >= 0 && i < total {
						at = time.Unix(0, wrote[i].Load())
					}
					run.intakeAcked(due(i), now.Sub(due(i)), ack.IntakeSeq, at)
					continue
				}
				if err != nil || ack.Error != nil || ack.OrderID <= 0 {
					run.fail("rejected: " + string(msg))
					continue
				}
				if placedAck {
					run.acked(ack.OrderID, due(i), now.Sub(due(i)))
				} else {
					run.placed(ack.OrderID, due(i), now.Sub(due(i)))
				}
			}
		})
	}
	pacers.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for answered.Load() < sent.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for k := int64(0); k < sent.Load()-answered.Load(); k++ {
		run.fail("no ack")
	}
	for _, c := range cs {
		c.Close(websocket.StatusNormalClosure, "")
	}
	readers.Wait()
	return nil
}

// loadRecorder is what a load generator reports to: e2eRun in this
// process, or the pipe to the parent in a load child (wsLoadChild).
type loadRecorder interface {
	// intakeAcked: the order due at sent, acknowledged lat after it, with
	// intake sequence number seq, its message written at wrote.
	intakeAcked(sent time.Time, lat time.Duration, seq uint64, wrote time.Time)
	acked(orderID int64, sent time.Time, lat time.Duration)
	placed(orderID int64, sent time.Time, lat time.Duration)
	fail(cause string)
}
