package typed

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
)

// AggOf reads the aggregate of field f from one of the maps of an
// orm.AggregateResult or orm.Group (Sum, Avg, Min, Max) as a V: exact
// decimals as decimal.Decimal (or any type whose pointer is an
// sql.Scanner, such as pgtype.Numeric), integer sums as int64, averages
// as float64 or decimal.Decimal, minima and maxima in the field's type.
// ok is false when the aggregate is NULL (no rows) or was not requested;
// a value that does not convert to V is an error.
func AggOf[V, M any](values map[string]any, f FieldRef[M]) (v V, ok bool, err error) {
	raw, present := values[f.FieldName()]
	if !present || raw == nil {
		return v, false, nil
	}
	if x, is := raw.(V); is {
		return x, true, nil
	}
	// Decimals: the database value (text) scanned into the caller's type.
	if sc, is := any(&v).(sql.Scanner); is {
		if val, is := raw.(driver.Valuer); is {
			dv, err := val.Value()
			if err == nil {
				err = sc.Scan(dv)
			}
			if err != nil {
				return v, false, fmt.Errorf("typed: aggregate of %s: %w", f.FieldName(), err)
			}
			return v, true, nil
		}
	}
	rv := reflect.ValueOf(raw)
	want := reflect.TypeFor[V]()
	// Numbers convert among themselves; never a number into a string.
	numberToString := rv.Kind() != reflect.String && want.Kind() == reflect.String
	if !rv.CanConvert(want) || numberToString {
		return v, false, fmt.Errorf("typed: aggregate of %s is a %T, not a %s", f.FieldName(), raw, want)
	}
	return rv.Convert(want).Interface().(V), true, nil
}
