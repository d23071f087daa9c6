package trading

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/odm"
)

// AuditLog is the guide's auditLogSchema: one document per settled trade,
// in a capped collection. Its _id is "<symbol>:<trade seq>", so writing a
// trade twice (after a crash and replay) stores it once.
type AuditLog struct {
	ID         string         `bson:"_id"`
	Timestamp  time.Time      `bson:"timestamp" odm:"index"`
	UserID     string         `bson:"userId" odm:"index"`
	Action     string         `bson:"action"`
	EntityType string         `bson:"entityType"`
	EntityID   string         `bson:"entityId"`
	Changes    []AuditChange  `bson:"changes"`
	IPAddress  string         `bson:"ipAddress,omitempty"`
	UserAgent  string         `bson:"userAgent,omitempty"`
	Metadata   map[string]any `bson:"metadata"`
}

// AuditChange is one changed field of an audited entity.
type AuditChange struct {
	Field    string `bson:"field"`
	OldValue any    `bson:"oldValue"`
	NewValue any    `bson:"newValue"`
}

// AuditCollection is the audit log's collection name.
const AuditCollection = "audit_logs"

// auditCap is the guide's cap: 1 GB, 10M documents.
var auditCap = &odm.Capped{Size: 1_000_000_000, Max: 10_000_000}

// NewAuditModel returns the audit log model on database d and creates the
// capped collection (and its indexes) when it does not exist.
func NewAuditModel(ctx context.Context, d *mongo.Database) (*odm.Model[AuditLog], error) {
	if d == nil {
		return nil, errors.New("trading: nil mongo database")
	}
	schema, err := odm.SchemaFor[AuditLog](&odm.SchemaOpts{Capped: auditCap, VersionKey: "-"})
	if err != nil {
		return nil, err
	}
	m, err := odm.NewModel[AuditLog](d, "AuditLog", schema, &odm.ModelOpts{Collection: AuditCollection})
	if err != nil {
		return nil, err
	}
	if err := m.CreateCollection(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// insertAudit writes docs unordered and ignores duplicates: the ones
// already there from before a crash.
func insertAudit(ctx context.Context, m *odm.Model[AuditLog], docs []any) error {
	if len(docs) == 0 {
		return nil
	}
	_, err := m.Collection().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return err
			}
		}
		return nil
	}
	return err
}

func auditDoc(m Market, t *Trade) bson.M {
	return bson.M{
		"_id":        t.ID(),
		"timestamp":  t.Time,
		"userId":     t.TakerAccountText(),
		"action":     "trade",
		"entityType": "trade",
		"entityId":   t.ID(),
		"changes": bson.A{
			bson.M{"field": "buyOrder.filled", "oldValue": nil, "newValue": m.QtyText(t.Lots)},
			bson.M{"field": "sellOrder.filled", "oldValue": nil, "newValue": m.QtyText(t.Lots)},
		},
		"metadata": bson.M{
			"symbol": m.Symbol, "seq": int64(t.Seq), "price": m.PriceText(t.Ticks), "quantity": m.QtyText(t.Lots),
			"buyOrderId": int64(t.BuyOrder), "sellOrderId": int64(t.SellOrder), "takerSide": t.TakerSide,
			"buyAccount": int64(t.BuyAccount), "sellAccount": int64(t.SellAccount),
		},
	}
}
