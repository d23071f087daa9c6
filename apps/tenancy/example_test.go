package tenancy_test

import (
	"errors"
	"fmt"

	"github.com/polystore/polystore/apps/tenancy"
)

// Tenant ids reach set_config only as canonical UUIDs.
func ExampleParseTenantID() {
	for _, id := range []string{
		"4c2a6a3e-8f0e-4c55-9a8e-2f6d1c7b9e10",
		"4C2A6A3E-8F0E-4C55-9A8E-2F6D1C7B9E10",
		"x'; SET app.current_tenant = 'other",
	} {
		_, err := tenancy.ParseTenantID(id)
		fmt.Println(errors.Is(err, tenancy.ErrInvalidTenant))
	}
	// Output:
	// false
	// true
	// true
}
