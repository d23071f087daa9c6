package migrate_test

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/migrate"
	"github.com/polystore/polystore/mongo/odm"
)

// Migrations are Go values: index changes come from the models' schemas,
// data changes are functions. New checks them before anything runs.
func Example() {
	client, _ := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1")) // connects lazily
	db := client.Database("shop")
	type User struct {
		ID    bson.ObjectID `bson:"_id,omitempty"`
		Email string        `bson:"email" odm:"unique"`
		Plan  string        `bson:"plan"`
	}
	users := odm.MustModel[User](db, "User", nil, nil)
	migs := []migrate.Migration{
		{ID: "2024_05_01_user_email_unique", Indexes: []migrate.IndexSyncer{users}},
		{ID: "2024_05_02_backfill_plan", Up: func(ctx context.Context, db *mongo.Database) error {
			_, err := db.Collection("users").UpdateMany(ctx,
				bson.M{"plan": bson.M{"$exists": false}}, bson.M{"$set": bson.M{"plan": "free"}})
			return err
		}},
	}
	_, err := migrate.New(db, migs, nil)
	fmt.Println(err)
	_, err = migrate.New(db, append(migs, migs[1]), nil)
	fmt.Println(errors.Is(err, migrate.ErrInvalid), err)
	// Output:
	// <nil>
	// true migrate: invalid migration: duplicate ID "2024_05_02_backfill_plan"
}
