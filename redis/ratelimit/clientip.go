package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// KeyByTrustedProxies keys requests by the client IP behind the given
// proxies (load balancers, CDNs). X-Forwarded-For and Forwarded are
// honoured only when the direct peer (RemoteAddr) is one of them: the
// headers are read right to left, skipping trusted hops, and the first
// untrusted address is the client. A hop that is not an IP address (say
// "unknown") ends the walk at the last trusted one, so a client can never
// pick its own key by sending the headers itself. Forwarded wins when both
// are present. With no trusted proxies this is KeyByIP.
func KeyByTrustedProxies(trusted []netip.Prefix) KeyFunc {
	tr := append([]netip.Prefix(nil), trusted...)
	return func(r *http.Request) (string, error) {
		if r == nil {
			return "", errNilRequest
		}
		ip, ok := clientIP(r, tr)
		if !ok {
			return "", ErrNoKey
		}
		return "ip:" + ip.String(), nil
	}
}

// ParseTrustedProxies parses CIDRs ("10.0.0.0/8") and single addresses
// ("192.0.2.1") for KeyByTrustedProxies.
func ParseTrustedProxies(cidrs ...string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, s := range cidrs {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, &ConfigError{Field: "trusted proxies", Reason: fmt.Sprintf("%q is neither a CIDR nor an IP address", s)}
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func clientIP(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	peer = peer.Unmap().WithZone("")
	if !isTrusted(peer, trusted) {
		return peer, true
	}
	hops := forwardedFor(r.Header)
	if hops == nil {
		hops = xForwardedFor(r.Header)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return client, true
}

func xForwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, part := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(part))
		}
	}
	return hops
}

// forwardedFor returns the for= values of the Forwarded headers (RFC 7239)
// in order, or nil when there is no Forwarded header. An element without
// for= yields "" (not an address: it ends the walk).
func forwardedFor(h http.Header) []string {
	vals := h.Values("Forwarded")
	if len(vals) == 0 {
		return nil
	}
	hops := []string{}
	for _, v := range vals {
		for _, elem := range strings.Split(v, ",") {
			hop := ""
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
					hop = strings.TrimSpace(val)
				}
			}
			hops = append(hops, hop)
		}
	}
	return hops
}

// parseHop parses 192.0.2.1, 192.0.2.1:80, [2001:db8::1]:80, 2001:db8::1
// and their quoted forms.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		s = s[1:end]
	} else if strings.Count(s, ":") == 1 {
		s, _, _ = strings.Cut(s, ":")
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
