package psl

import "strings"

// This file holds the syntax tree: exactly what the source says, with
// positions, comments and doc comments, before any resolution. The resolved
// view (relations, database names, defaults) is Schema, built by Validate.

// File is a parsed schema file.
type File struct {
	Name  string
	Decls []Decl
	// sources holds each parsed file's text by name, for Error.Prisma.
	sources map[string]string
	// Comments are free "//" comment lines after the last declaration.
	Comments []string
	// CommentsAfterClose is true when they start on the line of the last
	// block's closing '}'.
	CommentsAfterClose bool
	// CommentGaps lists the indexes i of Comments that an empty line
	// follows before Comments[i+1].
	CommentGaps []int `json:",omitempty"`
	// composites names the composite types (`type X { ... }`), refused on
	// PostgreSQL but, as in Prisma, known as types.
	composites map[string]bool
}

// Decl is a top-level declaration: *ConfigBlock, *ModelDecl or *EnumDecl.
type Decl interface {
	decl()
	// Span returns the position of the keyword that opens the declaration.
	Span() Pos
	// Lead returns the comments and blank-line marker before the declaration.
	Lead() *Leading
}

// Leading carries what precedes a declaration, field or attribute line: free
// comments, "///" doc lines and whether a blank line came before it. The
// formatter keeps all of them.
type Leading struct {
	// BlankBefore is true when at least one empty line precedes the item.
	BlankBefore bool `json:",omitempty"`
	// AfterClose is true when the item (or its first comment) starts on
	// the line of the previous block's closing '}': Prisma's formatter
	// then puts it on the next line, without an empty line between.
	AfterClose bool `json:",omitempty"`
	// Comments are "//" lines (without the slashes) before the doc lines.
	Comments []string `json:",omitempty"`
	// BlankAfterComments is true when an empty line separates Comments
	// from the item.
	BlankAfterComments bool `json:",omitempty"`
	// CommentGaps lists the indexes i of Comments that an empty line
	// follows before Comments[i+1] (the formatter keeps those lines).
	CommentGaps []int `json:",omitempty"`
	// DocLines are "///" lines (without the slashes) directly before the item.
	DocLines []string `json:",omitempty"`
	// DocPos holds, for each of DocLines, where its text starts (just after
	// the slashes), so directives written in doc lines get positions.
	DocPos []Pos `json:"-"`
}

// Doc returns the doc comment text: the "///" lines joined by newlines,
// with one leading space removed from each.
func (l *Leading) Doc() string {
	if l == nil {
		return ""
	}
	// Doc lines a plain comment followed are kept among the comments
	// (prefixed with "/"); Prisma still counts them as documentation.
	var docs []string
	for _, c := range l.Comments {
		if strings.HasPrefix(c, "/") {
			docs = append(docs, c[1:])
		}
	}
	docs = append(docs, l.DocLines...)
	if len(docs) == 0 {
		return ""
	}
	out := make([]byte, 0, 64)
	for i, d := range docs {
		if i > 0 {
			out = append(out, '\n')
		}
		// Prisma trims each documentation line.
		out = append(out, strings.TrimSpace(d)...)
	}
	return string(out)
}

// ConfigBlock is a datasource or generator block.
type ConfigBlock struct {
	Leading
	// HeaderComment and EndComment are comments after "{" and "}".
	HeaderComment string
	EndComment    string
	Pos           Pos
	Kind          string // "datasource" or "generator"
	Name          string
	NamePos       Pos
	Properties    []*Property
	// Comments are free comment lines before the closing brace.
	Comments []string
	// CommentGaps lists the indexes i of Comments an empty line follows.
	CommentGaps []int `json:",omitempty"`
}

// Property is "key = value" in a config block.
type Property struct {
	Leading
	Pos      Pos
	Key      string
	Value    Expr
	Trailing string // trailing "//" comment, without slashes
}

// ModelDecl is a model or view block.
type ModelDecl struct {
	Leading
	// HeaderComment and EndComment are comments after "{" and "}".
	HeaderComment string
	EndComment    string
	Pos           Pos
	Keyword       string // "model" or "view"
	Name          string
	NamePos       Pos
	Fields        []*FieldDecl
	Attributes    []*Attribute // block attributes (@@...)
	// Comments are free comment lines before the closing brace.
	Comments []string
	// CommentGaps lists the indexes i of Comments an empty line follows.
	CommentGaps []int `json:",omitempty"`
}

// EnumDecl is an enum block.
type EnumDecl struct {
	Leading
	// HeaderComment and EndComment are comments after "{" and "}".
	HeaderComment string
	EndComment    string
	Pos           Pos
	Name          string
	NamePos       Pos
	Values        []*EnumValueDecl
	Attributes    []*Attribute
	Comments      []string
	// CommentGaps lists the indexes i of Comments an empty line follows.
	CommentGaps []int `json:",omitempty"`
}

// EnumValueDecl is one value of an enum, with its attributes (@map).
type EnumValueDecl struct {
	Leading
	Pos        Pos
	Name       string
	Attributes []*Attribute
	Trailing   string
}

// FieldDecl is one field line of a model.
type FieldDecl struct {
	Leading
	Pos        Pos
	Name       string
	Type       TypeRef
	Attributes []*Attribute
	Trailing   string
}

// TypeRef is a field type as written: Name, Name?, Name[] or Unsupported("...").
type TypeRef struct {
	Pos         Pos
	Name        string // "Unsupported" for unsupported types
	Optional    bool
	List        bool
	Unsupported string // the argument of Unsupported("...")
	// Legacy marks the deprecated "Type[]?" spelling.
	Legacy bool `json:",omitempty"`
}

// Attribute is a field attribute (@name(args)) or a block attribute (@@name(args)).
// Name excludes the at-signs and includes any namespace ("db.VarChar").
type Attribute struct {
	// Leading and Trailing hold the comments around a block attribute line.
	Leading
	Trailing string
	Pos      Pos
	End      Pos
	Block    bool
	Name     string
	Args     []*Arg
	// HasParens records "@x()" versus "@x" for faithful formatting.
	HasParens bool
}

// Arg is a possibly named argument.
type Arg struct {
	Pos   Pos
	Name  string // empty for positional arguments
	Value Expr
}

// Expr is an argument or property value: *StringLit, *NumberLit, *Ident,
// *FuncCall, *ArrayExpr or *ObjectExpr.
type Expr interface {
	expr()
	// At returns the position where the expression starts.
	At() Pos
}

// StringLit is a string literal; Value is decoded.
type StringLit struct {
	Pos   Pos
	Value string
}

// NumberLit is a numeric literal kept as written.
type NumberLit struct {
	Pos  Pos
	Text string
}

// Ident is a bare identifier such as true, Cascade, an enum value or a field name.
type Ident struct {
	Pos  Pos
	Name string
}

// FuncCall is name(args): autoincrement(), env("URL"), email(sort: Desc).
type FuncCall struct {
	Pos  Pos
	Name string
	Args []*Arg
}

// ArrayExpr is [a, b, c].
type ArrayExpr struct {
	Pos   Pos
	Elems []Expr
}

// ObjectExpr is { key: value, ... }, the object syntax of a partial
// index's where: argument; each entry is an Arg whose Name is the key.
type ObjectExpr struct {
	Pos     Pos
	Entries []*Arg
}

func (*ConfigBlock) decl() {}
func (*ModelDecl) decl()   {}
func (*EnumDecl) decl()    {}

// Span implements Decl.
func (d *ConfigBlock) Span() Pos { return d.Pos }

// Span implements Decl.
func (d *ModelDecl) Span() Pos { return d.Pos }

// Span implements Decl.
func (d *EnumDecl) Span() Pos { return d.Pos }

// Lead implements Decl.
func (d *ConfigBlock) Lead() *Leading { return &d.Leading }

// Lead implements Decl.
func (d *ModelDecl) Lead() *Leading { return &d.Leading }

// Lead implements Decl.
func (d *EnumDecl) Lead() *Leading { return &d.Leading }

func (*StringLit) expr()  {}
func (*NumberLit) expr()  {}
func (*Ident) expr()      {}
func (*FuncCall) expr()   {}
func (*ArrayExpr) expr()  {}
func (*ObjectExpr) expr() {}

// At implements Expr.
func (e *StringLit) At() Pos { return e.Pos }

// At implements Expr.
func (e *NumberLit) At() Pos { return e.Pos }

// At implements Expr.
func (e *Ident) At() Pos { return e.Pos }

// At implements Expr.
func (e *FuncCall) At() Pos { return e.Pos }

// At implements Expr.
func (e *ArrayExpr) At() Pos { return e.Pos }

// At implements Expr.
func (e *ObjectExpr) At() Pos { return e.Pos }

// Arg returns the argument named name, or the positional argument at index
// pos when no argument has that name (pos < 0 disables the fallback).
func (a *Attribute) Arg(name string, pos int) *Arg {
	for _, arg := range a.Args {
		if arg.Name == name {
			return arg
		}
	}
	if pos >= 0 {
		i := 0
		for _, arg := range a.Args {
			if arg.Name == "" {
				if i == pos {
					return arg
				}
				i++
			}
		}
	}
	return nil
}

// FieldAttr returns the first field attribute with the given name, or nil.
func (f *FieldDecl) FieldAttr(name string) *Attribute { return findAttr(f.Attributes, name) }

// BlockAttrs returns the block attributes with the given name.
func (d *ModelDecl) BlockAttrs(name string) []*Attribute {
	var out []*Attribute
	for _, a := range d.Attributes {
		if a.Name == name {
			out = append(out, a)
		}
	}
	return out
}

func findAttr(attrs []*Attribute, name string) *Attribute {
	for _, a := range attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}
