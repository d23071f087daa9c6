package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// InstallTimeout bounds InstallCharts.
const InstallTimeout = 3 * time.Minute

// ErrNoNPM is returned by InstallCharts when npm is not on the PATH.
var ErrNoNPM = errors.New("web: npm not found (install Node.js and npm, or run `npm ci` in web/ elsewhere)")

// InstallCharts runs `npm ci` in webDir (FindDir's answer), which installs
// the chart library pinned by web/package-lock.json and copies it into
// web/vendor/, where Handler serves it from disk. It does nothing when the
// charts are already available, and returns ErrNoNPM without npm, or
// npm's last line of output when it fails (within InstallTimeout).
func InstallCharts(ctx context.Context, webDir string) error {
	if Embedded() {
		return nil
	}
	return installCharts(ctx, webDir, "npm")
}

// installCharts is InstallCharts for a binary without the embedded files.
func installCharts(ctx context.Context, webDir, npm string) error {
	if chartFile(webDir, ChartFiles[0]) != "" {
		return nil
	}
	if webDir == "" {
		return errors.New("web: no polystore checkout here (web/ not found): the charts need one, or a binary built after `npm ci` in web/")
	}
	path, err := exec.LookPath(npm)
	if err != nil {
		return ErrNoNPM
	}
	ctx, cancel := context.WithTimeout(ctx, InstallTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "ci", "--no-audit", "--no-fund")
	cmd.Dir = webDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		last := strings.TrimSpace(out.String())
		if i := strings.LastIndexByte(last, '\n'); i >= 0 {
			last = last[i+1:]
		}
		return fmt.Errorf("web: npm ci in %s: %w: %s", webDir, err, last)
	}
	if chartFile(webDir, ChartFiles[0]) == "" {
		return fmt.Errorf("web: npm ci in %s left no %s", webDir, ChartFiles[0])
	}
	return nil
}
