package riverjobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/polystore/polystore/postgres/orm"
)

// ErrInvalid is returned for missing arguments.
var ErrInvalid = errors.New("riverjobs: invalid argument")

// Schema is the table the example writes to.
const Schema = `CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE)`

// WelcomeArgs is the job: send the welcome mail of a new user.
type WelcomeArgs struct {
	UserID int64 `json:"user_id"`
}

// Kind names the job for river.
func (WelcomeArgs) Kind() string { return "welcome" }

// SignUp creates a user and inserts the user's welcome job in one
// transaction. then, when not nil, runs inside the transaction after both
// writes; an error from it (or any failure) rolls back the user and the
// job together.
func SignUp(ctx context.Context, db *orm.Client, rc *river.Client[pgx.Tx], email string, then func(ctx context.Context, tx *orm.Tx) error) (int64, error) {
	if db == nil || rc == nil || email == "" {
		return 0, fmt.Errorf("%w: a client, a river client and an email are required", ErrInvalid)
	}
	var id int64
	err := db.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		ids, err := orm.QueryRaw[int64](ctx, tx, orm.SQL("INSERT INTO users (email) VALUES (?) RETURNING id", email))
		if err != nil {
			return err
		}
		id = ids[0]
		// The job row is written on the same pgx.Tx as the user row.
		if _, err := rc.InsertTx(ctx, tx.PgxTx(), WelcomeArgs{UserID: id}, nil); err != nil {
			return err
		}
		if then != nil {
			return then(ctx, tx)
		}
		return nil
	}, nil)
	if err != nil {
		return 0, err
	}
	return id, nil
}
