package gen

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/polystore/polystore/postgres/psl"
)

// FileName is the name of the generated file in the output folder.
const FileName = "client.go"

// GenerateFile loads the schema at schemaPath, generates the client and
// writes it to outDir/client.go (creating outDir). The package name
// defaults to the folder's base name. It returns the path written.
// An empty schema path or output directory is an *Error (ErrGenerate).
func GenerateFile(schemaPath, outDir, pkg string) (string, error) {
	switch {
	case schemaPath == "":
		return "", &Error{Problems: []string{"no schema path"}}
	case outDir == "":
		return "", &Error{Problems: []string{"no output directory"}}
	}
	s, err := psl.LoadFile(schemaPath)
	if err != nil {
		return "", err
	}
	if pkg == "" {
		abs, err := filepath.Abs(outDir)
		if err != nil {
			return "", err
		}
		pkg = filepath.Base(abs)
	}
	src, err := Generate(s, &Options{Package: pkg, SchemaPath: filepath.ToSlash(filepath.Base(schemaPath))})
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("gen: %w", err)
	}
	out := filepath.Join(outDir, FileName)
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return "", fmt.Errorf("gen: %w", err)
	}
	return out, nil
}
