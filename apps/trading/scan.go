package trading

import (
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// decimalScan scans a numeric column into an exact decimal.
type decimalScan struct{ d decimal.Decimal }

func (s *decimalScan) ScanNumeric(n pgtype.Numeric) error {
	s.d = decimalOf(n)
	return nil
}

func (s *decimalScan) NumericValue() (pgtype.Numeric, error) {
	return pgtype.Numeric{Int: s.d.Coefficient(), Exp: s.d.Exponent(), Valid: true}, nil
}
