package revoke_test

import (
	"context"
	"fmt"

	"github.com/golang-jwt/jwt/v5"

	"github.com/polystore/polystore/redis/revoke"
)

// Malformed tokens are refused with a typed error before Redis is asked.
func ExampleVerifier_Verify() {
	v := revoke.NewVerifier(revoke.New(nil, nil), func(*jwt.Token) (any, error) { return []byte("k"), nil })
	_, err := v.Verify(context.Background(), "not-a-jwt")
	reason, ok := revoke.IsTokenError(err)
	fmt.Println(ok, reason)
	// Output: true malformed
}
