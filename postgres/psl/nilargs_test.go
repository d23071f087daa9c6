package psl_test

import (
	"errors"
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/postgres/psl"
)

// Every entry point given nil or empty arguments answers without a panic:
// an empty schema is a schema without models, a missing file or an empty
// path is an error naming it, and a nil tree formats to nothing.
func TestNilAndEmptyArguments(t *testing.T) {
	var nilModel *psl.Model
	var nilSchema *psl.Schema
	nopanic.Run(t, []nopanic.Case{
		{Name: "Parse empty", Call: func() error { _, err := psl.Parse("", nil); return err }},
		{Name: "Load empty", Call: func() error { _, err := psl.Load("", nil); return err }},
		{Name: "Validate nil", Call: func() error { _, err := psl.Validate(nil); return err }},
		{Name: "Format nil", Call: func() error { psl.Format(nil); return nil }},
		{Name: "FormatSource empty", Call: func() error { _, err := psl.FormatSource("", nil); return err }},
		{Name: "ParseFile empty path", Call: func() error { _, err := psl.ParseFile(""); return err }, WantErr: true},
		{Name: "ParseFiles nil", Call: func() error { _, err := psl.ParseFiles(nil); return err }},
		{Name: "ParseFiles empty path", Call: func() error { _, err := psl.ParseFiles([]string{""}); return err }, WantErr: true},
		{Name: "LoadFile empty path", Call: func() error { _, err := psl.LoadFile(""); return err }, WantErr: true},
		{Name: "LoadPath empty path", Call: func() error { _, err := psl.LoadPath(""); return err }, WantErr: true},
		{Name: "SchemaFiles empty path", Call: func() error { _, err := psl.SchemaFiles(""); return err }, WantErr: true},
		{Name: "AsError nil", Call: func() error { psl.AsError(nil); return nil }},
		{Name: "IsInvalidSchema nil", Call: func() error { psl.IsInvalidSchema(nil); return nil }},
		{Name: "NativeFromSQL empty", Call: func() error { psl.NativeFromSQL(""); return nil }},
		{Name: "ParseInterval empty", Call: func() error { psl.ParseInterval(""); return nil }},
		{Name: "IsScalarType empty", Call: func() error { psl.IsScalarType(""); return nil }},
		{Name: "nil Schema Model", Call: func() error { nilSchema.Model("User"); return nil }},
		{Name: "nil Schema Enum", Call: func() error { nilSchema.Enum("Role"); return nil }},
		{Name: "nil Model Field", Call: func() error { nilModel.Field("id"); return nil }},
		{Name: "nil Model IDFields", Call: func() error { nilModel.IDFields(); return nil }},
		{Name: "nil Model ScalarFields", Call: func() error { nilModel.ScalarFields(); return nil }},
		{Name: "nil Model RelationFields", Call: func() error { nilModel.RelationFields(); return nil }},
		{Name: "unknown model's field", Call: func() error {
			s, err := psl.Load("schema.prisma", []byte("model A {\n  id Int @id\n}\n"))
			if err != nil {
				return err
			}
			if s.Model("B").Field("id") != nil {
				return errors.New("a field of a model that does not exist")
			}
			return nil
		}},
	})
}
