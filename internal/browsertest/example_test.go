package browsertest_test

import (
	"fmt"
	"os"

	"github.com/polystore/polystore/internal/browsertest"
)

// Path tells whether a Chromium is installed; New skips (or fails in CI)
// when it is not.
func ExamplePath() {
	_ = os.Setenv(browsertest.EnvChromium, "/nonexistent/chromium")
	defer os.Unsetenv(browsertest.EnvChromium)
	fmt.Printf("%q\n", browsertest.Path())
	// Output:
	// ""
}
