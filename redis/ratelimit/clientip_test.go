package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/stretchr/testify/require"
)

func TestKeyByTrustedProxies(t *testing.T) {
	trusted, err := ratelimit.ParseTrustedProxies("10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.10")
	require.NoError(t, err)
	key := ratelimit.KeyByTrustedProxies(trusted)
	for _, tc := range []struct {
		name, remote string
		xff          []string
		fwd          []string
		want         string
	}{
		{name: "no proxy", remote: "203.0.113.5:1234", want: "ip:203.0.113.5"},
		{name: "untrusted peer's headers are ignored", remote: "203.0.113.5:1234", xff: []string{"198.51.100.1"}, want: "ip:203.0.113.5"},
		{name: "one trusted proxy", remote: "10.0.0.2:80", xff: []string{"198.51.100.1"}, want: "ip:198.51.100.1"},
		{name: "client-sent spoof left of the real client", remote: "10.0.0.2:80", xff: []string{"1.2.3.4, 198.51.100.1"}, want: "ip:198.51.100.1"},
		{name: "chain of trusted proxies", remote: "10.0.0.2:80", xff: []string{"198.51.100.1, 10.1.1.1", "192.0.2.10"}, want: "ip:198.51.100.1"},
		{name: "all hops trusted", remote: "10.0.0.2:80", xff: []string{"10.9.9.9"}, want: "ip:10.9.9.9"},
		{name: "garbage hop ends the walk", remote: "10.0.0.2:80", xff: []string{"198.51.100.1, unknown"}, want: "ip:10.0.0.2"},
		{name: "trusted peer without headers", remote: "10.0.0.2:80", want: "ip:10.0.0.2"},
		{name: "forwarded", remote: "10.0.0.2:80", fwd: []string{`for=198.51.100.7;proto=https, for="[2001:db8:ffff::1]:443"`}, want: "ip:198.51.100.7"},
		{name: "forwarded ipv6 client", remote: "[2001:db8:ffff::2]:80", fwd: []string{`for="[2001:db8:cafe::17]:4711"`}, want: "ip:2001:db8:cafe::17"},
		{name: "forwarded wins over xff", remote: "10.0.0.2:80", fwd: []string{"for=198.51.100.7"}, xff: []string{"198.51.100.1"}, want: "ip:198.51.100.7"},
		{name: "forwarded obfuscated", remote: "10.0.0.2:80", fwd: []string{"for=_hidden"}, want: "ip:10.0.0.2"},
		{name: "ipv4-mapped peer", remote: "[::ffff:10.0.0.2]:80", xff: []string{"198.51.100.1"}, want: "ip:198.51.100.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tc.fwd {
				req.Header.Add("Forwarded", v)
			}
			got, err := key(req)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "not an address"
	_, err = key(req)
	require.ErrorIs(t, err, ratelimit.ErrNoKey)

	_, err = ratelimit.ParseTrustedProxies("10.0.0.0/33")
	require.ErrorIs(t, err, ratelimit.ErrInvalid)
	_, err = ratelimit.ParseTrustedProxies("proxy.example")
	require.ErrorIs(t, err, ratelimit.ErrInvalid)
}

// FuzzKeyByTrustedProxies: any headers give either an error or a key that
// is the peer's address or one of the addresses in the headers; a peer
// that is not trusted always gets its own address.
func FuzzKeyByTrustedProxies(f *testing.F) {
	f.Add("10.0.0.2:80", "198.51.100.1, 10.1.1.1", "")
	f.Add("10.0.0.2:80", "", `for="[2001:db8::1]:80";by=x, for=_a`)
	f.Add("203.0.113.5:1", "1.2.3.4", "for=1.2.3.4")
	f.Add("[::1]:1", ",,,", `for="[`)
	trusted, err := ratelimit.ParseTrustedProxies("10.0.0.0/8", "::1")
	require.NoError(f, err)
	key := ratelimit.KeyByTrustedProxies(trusted)
	f.Fuzz(func(t *testing.T, remote, xff, fwd string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", xff)
		if fwd != "" {
			req.Header.Set("Forwarded", fwd)
		}
		got, err := key(req)
		if err != nil {
			require.ErrorIs(t, err, ratelimit.ErrNoKey)
			return
		}
		ip, perr := netip.ParseAddr(strings.TrimPrefix(got, "ip:"))
		require.NoError(t, perr, got)
		peer, _ := ratelimit.KeyByIP(req)
		if !strings.HasPrefix(remote, "10.") && !strings.HasPrefix(remote, "[::1]") {
			if pip, err := netip.ParseAddr(strings.TrimPrefix(peer, "ip:")); err == nil && !pip.Unmap().IsLoopback() {
				require.Equal(t, pip.Unmap(), ip)
			}
			return
		}
		require.True(t, "ip:"+ip.String() == peer || strings.Contains(xff+fwd, ip.String()) ||
			strings.Contains(strings.ToLower(xff+fwd), ip.String()), "key %s from %q %q %q", got, remote, xff, fwd)
	})
}
