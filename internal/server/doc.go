// Package server is the HTTP server behind `polystore serve`: health checks
// now, the reference systems' routes as they land. It owns no stores; the
// command wires them in.
package server
