package odm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm"
)

// Mongoose's pre('save') middleware: validation runs first (a document
// that fails it reaches no save hook and is not written), then the pre
// save hooks may still change the document (hash a password), then the
// insert, then the post save hooks. select=false keeps the hash out of
// reads.
func ExampleModel_Pre() {
	type Account struct {
		ID       bson.ObjectID `bson:"_id,omitempty"`
		Email    string        `bson:"email" odm:"required,lowercase,match=^[^@]+@[^@]+$"`
		Password string        `bson:"password" odm:"required,minlength=8,select=false"`
	}
	ctx := context.Background()
	db, done := exampleDB(ctx)
	defer done()

	accounts := odm.MustModel[Account](db, "Account", nil, nil)
	accounts.Pre(odm.EventSave, func(ctx context.Context, op *odm.Op[Account]) error {
		if accounts.IsNew(op.Doc) || accounts.IsModified(op.Doc, "password") {
			op.Doc.Password = "hashed:" + strings.Repeat("*", len(op.Doc.Password))
		}
		return nil
	})
	accounts.Post(odm.EventSave, func(ctx context.Context, op *odm.Op[Account]) error {
		fmt.Println("saved", op.Doc.Email)
		return nil
	})

	err := accounts.Create(ctx, &Account{Email: "ann@", Password: "short"})
	var ve *odm.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Errors["email"].Kind, ve.Errors["password"].Kind)
	}

	a := &Account{Email: "Ann@Example.com", Password: "correct horse"}
	if err := accounts.Create(ctx, a); err != nil {
		panic(err)
	}
	fmt.Println(a.Password)
	got, err := accounts.FindByID(ctx, a.ID)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %q\n", got.Email, got.Password)
	n, _ := accounts.Count(ctx, nil)
	fmt.Println(n)
	// Output:
	// regexp minlength
	// saved ann@example.com
	// hashed:*************
	// ann@example.com ""
	// 1
}
