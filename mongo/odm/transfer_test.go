package odm_test

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
)

// Transfer records a completed transfer.
type Transfer struct {
	ID     bson.ObjectID `bson:"_id,omitempty"`
	From   string        `bson:"from" odm:"required"`
	To     string        `bson:"to" odm:"required"`
	Amount int64         `bson:"amount" odm:"min=1"`
	Kind   string        `bson:"type" odm:"enum=transfer|refund,default=transfer"`
	At     time.Time     `bson:"timestamp" odm:"default=now"`
}

var errInsufficientFunds = errors.New("insufficient funds")

// transferMoney is the guide's transfer, done right: the debit only
// matches when the balance covers the amount (checked by the server, not
// read-then-write), the credit and the record join the same transaction,
// and transient failures retry the whole unit.
func transferMoney(ctx context.Context, client *mongo.Client, accounts *odm.Model[Account], transfers *odm.Model[Transfer], id bson.ObjectID, from, to string, amount int64) error {
	return odm.WithTransaction(ctx, client, func(ctx context.Context) error {
		_, err := accounts.FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: from}, {Key: "balance", Value: bson.D{{Key: "$gte", Value: amount}}}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "balance", Value: -amount}}}},
			&odm.FindOneAndUpdateOpts{ReturnAfter: true})
		if errors.Is(err, odm.ErrNotFound) {
			return errInsufficientFunds
		}
		if err != nil {
			return err
		}
		res, err := accounts.UpdateOne(ctx, bson.D{{Key: "_id", Value: to}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "balance", Value: amount}}}}, nil)
		if err != nil {
			return err
		}
		if res.MatchedCount == 0 {
			return odm.ErrNotFound
		}
		return transfers.Create(ctx, &Transfer{ID: id, From: from, To: to, Amount: amount})
	}, nil)
}
