package web

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeNPM writes an executable named npm into a fresh folder that runs
// script, and returns a PATH with that folder first.
func fakeNPM(t *testing.T, script string) string {
	t.Helper()
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin + string(os.PathListSeparator) + os.Getenv("PATH")
}

// InstallCharts runs `npm ci` in the web folder and finds the files it
// copied; a failing npm's last line reaches the error; without npm it is
// ErrNoNPM; without a checkout it says so. (A fake npm: the real one needs
// the registry; .ci/run runs the real `npm ci`.)
func TestInstallCharts(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", fakeNPM(t, `[ "$1 $2 $3" = "ci --no-audit --no-fund" ] || exit 3; mkdir -p vendor && echo js > vendor/uPlot.iife.min.js && echo css > vendor/uPlot.min.css`))
	if err := installCharts(context.Background(), dir, "npm"); err != nil {
		t.Fatal(err)
	}
	if chartFile(dir, ChartFiles[0]) == "" || chartFile(dir, ChartFiles[1]) == "" {
		t.Fatal("charts not on disk after npm ci")
	}
	// Present: npm is not run again (this one would fail).
	t.Setenv("PATH", fakeNPM(t, "exit 9"))
	if err := installCharts(context.Background(), dir, "npm"); err != nil {
		t.Fatalf("second install: %v", err)
	}

	t.Setenv("PATH", fakeNPM(t, "echo fetching; echo 'npm error network unreachable' >&2; exit 1"))
	err := installCharts(context.Background(), t.TempDir(), "npm")
	if err == nil || !strings.Contains(err.Error(), "network unreachable") {
		t.Fatalf("failed npm: %v", err)
	}
	t.Setenv("PATH", fakeNPM(t, "exit 0"))
	if err := installCharts(context.Background(), t.TempDir(), "npm"); err == nil || !strings.Contains(err.Error(), "left no") {
		t.Fatalf("npm that copies nothing: %v", err)
	}
	if err := installCharts(context.Background(), t.TempDir(), "polystore-no-such-npm"); !errors.Is(err, ErrNoNPM) {
		t.Fatalf("without npm: %v", err)
	}
	if err := installCharts(context.Background(), "", "npm"); err == nil || !strings.Contains(err.Error(), "no polystore checkout") {
		t.Fatalf("no checkout: %v", err)
	}
}
