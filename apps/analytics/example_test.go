package analytics_test

import (
	"fmt"
	"time"

	"github.com/polystore/polystore/apps/analytics"
)

// A batch is validated event by event: good events are kept, bad ones
// come back with their index, a stable code and a reason.
func ExampleValidator_Parse() {
	v := analytics.NewValidator(analytics.Limits{}, nil, nil)
	anHourAgo := time.Now().Add(-time.Hour).Format(time.RFC3339)
	good, bad, err := v.Parse([]byte(`[
		{"eventType": "page_view", "userId": "u1", "value": 42.5},
		{"eventType": "page_view"},
		{"eventType": "purchase", "userId": "u2", "timestamp": "` + anHourAgo + `"}
	]`))
	fmt.Println(len(good), good[0].Type, *good[0].Value, err)
	for _, r := range bad {
		fmt.Println(r.Index, r.Code)
	}
	// Output:
	// 1 page_view 42.5 <nil>
	// 1 invalid_user
	// 2 timestamp_too_old
}
