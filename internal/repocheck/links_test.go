package repocheck

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	// An inline link or image: [text](target) or [text](target "title").
	inlineLink = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// A reference definition: [name]: target
	refLink = regexp.MustCompile(`(?m)^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	// An ATX heading.
	heading = regexp.MustCompile(`^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	// A URL scheme (https:, mailto:...): not a file of the repository.
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	// Inline code spans, whose brackets are not links.
	codeSpan = regexp.MustCompile("`+[^`]*`+")
	// An explicit anchor: <a id="x"> or <a name="x">.
	htmlAnchor = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)
)

// markdownText returns the lines of a Markdown file with those of fenced
// code blocks blanked, so that code is never read as a link or a heading.
func markdownText(src string) []string {
	var out []string
	fence := ""
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			out = append(out, "")
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			out = append(out, "")
			continue
		}
		out = append(out, line)
	}
	return out
}

// slug is GitHub's anchor for a heading: lower case, punctuation removed,
// spaces turned into hyphens.
func slug(h string) string {
	h = strings.ToLower(codeSpan.ReplaceAllStringFunc(h, func(s string) string { return strings.Trim(s, "`") }))
	var b strings.Builder
	for _, r := range h {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns the anchors a Markdown file defines: one per heading
// (numbered -1, -2... when a heading repeats, as GitHub does) and the
// explicit <a id> ones.
func anchors(src string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, line := range markdownText(src) {
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			out[m[1]] = true
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// brokenLinks returns one message per relative link of the Markdown file at
// path (source src) whose file does not exist under root, or whose #anchor
// the target Markdown file does not define.
func brokenLinks(root, path, src string) []string {
	var out []string
	anchorCache := map[string]map[string]bool{}
	for i, line := range markdownText(src) {
		line = codeSpan.ReplaceAllString(line, "``") // brackets in code are no links
		var targets []string
		for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		for _, m := range refLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if scheme.MatchString(target) || strings.HasPrefix(target, "//") {
				continue
			}
			file, frag, _ := strings.Cut(target, "#")
			dest := path
			if file != "" {
				if strings.HasPrefix(file, "/") {
					dest = filepath.Join(root, filepath.FromSlash(file))
				} else {
					dest = filepath.Join(filepath.Dir(path), filepath.FromSlash(file))
				}
				if _, err := os.Stat(dest); err != nil {
					out = append(out, fmt.Sprintf("line %d: %s: no such file", i+1, target))
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			a, ok := anchorCache[dest]
			if !ok {
				b, err := os.ReadFile(dest)
				if err != nil {
					out = append(out, fmt.Sprintf("line %d: %s: %v", i+1, target, err))
					continue
				}
				a = anchors(string(b))
				anchorCache[dest] = a
			}
			if !a[frag] {
				out = append(out, fmt.Sprintf("line %d: %s: no heading with anchor #%s", i+1, target, frag))
			}
		}
	}
	return out
}

// TestDocLinks checks every relative link of README.md, docs/*.md and the
// other Markdown files of the repository: the file it names exists, and the
// heading its #anchor names is there.
func TestDocLinks(t *testing.T) {
	root := repoRoot(t)
	var files []string
	require.NoError(t, walkSources(root, func(path string, d fs.DirEntry) error {
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	}))
	require.Contains(t, files, filepath.Join(root, "README.md"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, f)
		for _, msg := range brokenLinks(root, f, string(src)) {
			t.Errorf("%s: %s", rel, msg)
		}
	}
}

// TestBrokenLinks proves the check finds missing files and anchors and lets
// code, URLs and good links through.
func TestBrokenLinks(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "docs"), 0o755))
	guide := "# Guide\n\n## Read replicas\n\n## `orm.Client` and you\n\n## Setup\n\n## Setup\n\n<a id=\"custom\"></a>\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "guide.md"), []byte(guide), 0o644))
	const readme = "# x\n\n" +
		"[ok](docs/guide.md) [ok](docs/guide.md#read-replicas) [ok](docs/guide.md#ormclient-and-you)\n" +
		"[ok](docs/guide.md#setup-1) [ok](docs/guide.md#custom) [ok](https://example.com/x.md) [ok](#x)\n" +
		"[gone](docs/nothere.md)\n" +
		"[bad anchor](docs/guide.md#replicas)\n" +
		"`[code](nil)` and [ref]: docs/alsogone.md\n" +
		"```go\nm := a[i](nil)\n[x](nofile.md)\n```\n" +
		"[ref]: docs/alsogone.md\n" +
		"[self](#nope)\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644))
	got := brokenLinks(dir, filepath.Join(dir, "README.md"), readme)
	require.Equal(t, []string{
		"line 5: docs/nothere.md: no such file",
		"line 6: docs/guide.md#replicas: no heading with anchor #replicas",
		"line 12: docs/alsogone.md: no such file",
		"line 13: #nope: no heading with anchor #nope",
	}, got)
}
