package trading

import (
	"errors"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// countConn records each write that reaches the socket.
type countConn struct {
	net.Conn
	writes [][]byte
	err    error
}

func (c *countConn) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

// The stream's connection sends the frames written between hold and
// release in one write, in order; outside a hold each write goes
// straight through; a failed write is reported by release and by every
// write after it.
func TestHeldConnGathersWrites(t *testing.T) {
	cc := &countConn{}
	h := &heldWriter{conn: &heldConn{Conn: cc}}
	_, err := h.conn.Write([]byte("handshake"))
	require.NoError(t, err)
	require.Len(t, cc.writes, 1)
	h.hold()
	for _, s := range []string{"a", "bb", "ccc"} {
		n, err := h.conn.Write([]byte(s))
		require.NoError(t, err)
		require.Equal(t, len(s), n)
	}
	require.Len(t, cc.writes, 1, "held back")
	require.NoError(t, h.release())
	require.Equal(t, [][]byte{[]byte("handshake"), []byte("abbccc")}, cc.writes)
	require.NoError(t, h.release(), "nothing held: nothing written")
	require.Len(t, cc.writes, 2)

	h.hold()
	_, err = h.conn.Write(make([]byte, heldMax))
	require.NoError(t, err)
	require.Len(t, cc.writes, 3, "a full hold is sent at once")

	cc.err = errors.New("gone")
	_, err = h.conn.Write([]byte("x"))
	require.NoError(t, err, "held")
	require.ErrorIs(t, h.release(), cc.err)
	_, err = h.conn.Write([]byte("y"))
	require.ErrorIs(t, err, cc.err)

	var none heldWriter // never hijacked
	none.hold()
	require.NoError(t, none.release())
}
