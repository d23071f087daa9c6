package sse_test

import (
	"fmt"

	"github.com/polystore/polystore/internal/sse"
)

func ExampleHub() {
	hub := sse.NewHub()
	defer hub.Close()
	_ = hub.Publish("shop", "stats", map[string]int{"sold": 41})
	_ = hub.Publish("shop", "stats", map[string]int{"sold": 42})

	// A new subscriber starts with the last message of each event.
	c, cancel := hub.Subscribe("shop")
	defer cancel()
	m := <-c
	fmt.Println(m.Event, string(m.Data))
	// Output:
	// stats {"sold":42}
}
