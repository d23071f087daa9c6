package riverjobs_test

import (
	"fmt"

	"github.com/polystore/polystore/examples/riverjobs"
)

func ExampleWelcomeArgs() {
	// SignUp writes the user and this job on one transaction:
	//
	//	id, err := riverjobs.SignUp(ctx, db, riverClient, "ann@example.com", nil)
	fmt.Println(riverjobs.WelcomeArgs{UserID: 7}.Kind())
	// Output: welcome
}
