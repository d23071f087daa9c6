package psl

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SchemaFiles returns the .prisma files of a multi-file schema folder
// (Prisma's prismaSchemaFolder), searched recursively in name order, or
// just path when it is a file.
func SchemaFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".prisma") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// ParseFiles parses several schema files into one File whose declarations
// come file by file (each keeps its own positions, so diagnostics name the
// file). Syntax errors of every file are reported together.
func ParseFiles(paths []string) (*File, error) {
	merged := &File{Name: strings.Join(paths, ","), sources: map[string]string{}}
	var diags []*Diagnostic
	for _, p := range paths {
		f, err := ParseFile(p)
		if f == nil {
			return nil, err
		}
		if perr, ok := AsError(err); ok {
			diags = append(diags, perr.Diagnostics...)
		} else if err != nil {
			return nil, err
		}
		merged.Decls = append(merged.Decls, f.Decls...)
		for name, text := range f.sources {
			merged.sources[name] = text
		}
		merged.Comments = append(merged.Comments, f.Comments...)
		for name := range f.composites {
			if merged.composites == nil {
				merged.composites = map[string]bool{}
			}
			merged.composites[name] = true
		}
	}
	return merged, errorOf(diags, merged.sources)
}

// LoadPath loads a schema file, or every .prisma file of a schema folder
// as one schema (Prisma's multi-file schemas), and validates it.
func LoadPath(path string) (*Schema, error) {
	files, err := SchemaFiles(path)
	if err != nil {
		return nil, err
	}
	switch len(files) {
	case 0:
		return nil, &Error{Diagnostics: []*Diagnostic{{Pos: Pos{Filename: path}, Message: "no .prisma files in the schema folder"}}}
	case 1:
		return LoadFile(files[0])
	}
	f, err := ParseFiles(files)
	if err != nil {
		return nil, withResolveErrors(f, err)
	}
	return Validate(f)
}
