package odm_test

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
)

// Validation needs no server: cast loosely typed input (decoded JSON) and
// get every failing path with Mongoose's kinds and messages.
func ExampleModel_Cast() {
	type Product struct {
		Name     string  `bson:"name" odm:"required=Product name is required,trim,maxlength=100"`
		Price    float64 `bson:"price" odm:"required,min=0"`
		Category string  `bson:"category" odm:"enum=electronics|clothing|books"`
	}
	schema := odm.MustSchemaFor[Product](nil)
	schema.Path("category").EnumStrings([]string{"electronics", "clothing", "books"}, "{VALUE} is not a valid category")
	products := odm.MustModel[Product](nil, "Product", schema, nil)

	_, err := products.Cast(context.Background(), map[string]any{"name": "   ", "price": "-5", "category": "toys"})
	var ve *odm.ValidationError
	if errors.As(err, &ve) {
		paths := ve.Paths()
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Printf("%s (%s): %s\n", p, ve.Errors[p].Kind, ve.Errors[p].Message)
		}
	}

	p, err := products.Cast(context.Background(), map[string]any{"name": " Go book ", "price": "39.90", "category": "books"})
	fmt.Printf("%q %.2f %s %v\n", p.Name, p.Price, p.Category, err)
	// Output:
	// category (enum): `toys` is not a valid enum value for path `category`.
	// name (required): Product name is required
	// price (min): Path `price` (-5) is less than minimum allowed value (0).
	// "Go book" 39.90 books <nil>
}

// Filters are checked (server-side JavaScript is refused) and cast to the
// schema's types; filters decoded from a request body (map[string]any) are
// sanitized, so an operator where a value belongs is compared literally.
func ExampleModel_CastFilter() {
	type Post struct {
		ID     bson.ObjectID `bson:"_id"`
		Author bson.ObjectID `bson:"author" odm:"ref=User"`
		Likes  int           `bson:"likes"`
	}
	posts := odm.MustModel[Post](nil, "Post", nil, nil)
	f, err := posts.CastFilter(bson.M{"likes": bson.M{"$gte": "10"}}) // written in code
	fmt.Println(f, err)
	_, err = posts.CastFilter(map[string]any{"likes": map[string]any{"$gte": 0}}) // from a body
	fmt.Println(err)
	_, err = posts.CastFilter(bson.M{"$where": "sleep(1000)"})
	fmt.Println(err)
	// Output:
	// {"likes":{"$gte":{"$numberInt":"10"}}} <nil>
	// Cast to Number failed for value "{ '$gte': 0 }" (type Object) at path "likes" for model "Post"
	// odm: operator $where is not allowed in filters
}

// The guide's money transfer: the debit matches only if the balance
// covers the amount, the credit and the record are in the same
// transaction, and transient errors retry the whole unit. (Transactions
// need a replica set; see TestConcurrentTransfersConserveBalance.)
func ExampleWithTransaction() {
	type Account struct {
		ID      string `bson:"_id"`
		Balance int64  `bson:"balance" odm:"min=0"`
	}
	type Transaction struct {
		ID     bson.ObjectID `bson:"_id,omitempty"`
		From   string        `bson:"from" odm:"required"`
		To     string        `bson:"to" odm:"required"`
		Amount int64         `bson:"amount" odm:"min=1"`
		Kind   string        `bson:"type" odm:"default=transfer"`
	}
	transfer := func(ctx context.Context, client *mongo.Client, db *mongo.Database, from, to string, amount int64) error {
		accounts := odm.MustModel[Account](db, "Account", nil, nil)
		txns := odm.MustModel[Transaction](db, "Transaction", nil, nil)
		return odm.WithTransaction(ctx, client, func(ctx context.Context) error {
			_, err := accounts.FindOneAndUpdate(ctx,
				bson.M{"_id": from, "balance": bson.M{"$gte": amount}},
				bson.M{"$inc": bson.M{"balance": -amount}}, nil)
			if errors.Is(err, odm.ErrNotFound) {
				return errors.New("insufficient funds")
			} else if err != nil {
				return err
			}
			if _, err := accounts.UpdateOne(ctx, bson.M{"_id": to}, bson.M{"$inc": bson.M{"balance": amount}}, nil); err != nil {
				return err
			}
			return txns.Create(ctx, &Transaction{From: from, To: to, Amount: amount})
		}, &odm.TxOpts{})
	}
	_ = transfer
}
