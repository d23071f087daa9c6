package leaderboard_test

import (
	"fmt"
	"time"

	"github.com/polystore/polystore/redis/leaderboard"
)

func ExamplePeriodic_Bounds() {
	p := leaderboard.NewPeriodic(nil, "score", leaderboard.Weekly, 7*24*time.Hour, nil)
	id, start, end := p.Bounds(time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC))
	fmt.Println(id, start.Format(time.DateOnly), end.Format(time.DateOnly))
	// Output: 2026-W48 2026-11-23 2026-11-30
}
