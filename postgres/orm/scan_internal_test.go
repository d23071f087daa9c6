package orm

import (
	"reflect"
	"testing"
	"time"
)

type scanInner struct {
	At   time.Time
	Note *string
}

type scanOuter struct {
	ID int
	scanInner
	*scanPtr
}

type scanPtr struct{ Deep string }

// fieldPtrOf builds *F destinations by offset for fields inside the struct
// value, and refuses paths through an embedded pointer (scan then uses
// reflect, which allocates the pointed-to struct).
func TestFieldPtrOf(t *testing.T) {
	typ := reflect.TypeFor[scanOuter]()
	var o scanOuter
	base := reflect.ValueOf(&o).UnsafePointer()
	for _, tc := range []struct {
		name string
		want any
	}{
		{"ID", &o.ID},
		{"At", &o.At},
		{"Note", &o.Note},
	} {
		sf, _ := typ.FieldByName(tc.name)
		fp := fieldPtrOf(typ, sf.Index)
		if !fp.ok {
			t.Fatalf("%s: not direct", tc.name)
		}
		if got := fp.at(base); got != tc.want {
			t.Fatalf("%s: got %T %v, want %T %v", tc.name, got, got, tc.want, tc.want)
		}
	}
	sf, _ := typ.FieldByName("Deep")
	if fieldPtrOf(typ, sf.Index).ok {
		t.Fatal("a field behind an embedded pointer must not be direct")
	}
}
