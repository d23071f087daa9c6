package shop

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
)

// HistoryCollection is the MongoDB collection of order history documents.
const HistoryCollection = "orders"

// OrderHistory is the guide's orderSchema: one document per confirmed
// order, written by the outbox worker. Its _id is the order id, so
// writing it again is a duplicate-key no-op (idempotent, and one writer
// per document, which the embedded FerretDB needs). Money is kept as exact
// decimal strings, like the PostgreSQL numeric(10,2) it comes from.
type OrderHistory struct {
	ID      string         `bson:"_id" json:"id"`
	OrderID string         `bson:"orderId" json:"orderId" odm:"required,unique"`
	UserID  string         `bson:"userId" json:"userId" odm:"required,index"`
	Items   []HistoryItem  `bson:"items" json:"items"`
	Total   string         `bson:"total" json:"total" odm:"required"`
	Status  string         `bson:"status" json:"status" odm:"required,index,enum=pending|processing|shipped|delivered|cancelled"`
	Payment string         `bson:"paymentStatus" json:"paymentStatus"`
	Address map[string]any `bson:"shippingAddress,omitempty" json:"shippingAddress,omitempty"`
	// Timeline lists the order's status changes, oldest first.
	Timeline  []TimelineEntry `bson:"timeline" json:"timeline"`
	Metadata  map[string]any  `bson:"metadata,omitempty" json:"metadata,omitempty"`
	CreatedAt time.Time       `bson:"createdAt" json:"createdAt"`
	UpdatedAt time.Time       `bson:"updatedAt" json:"updatedAt"`
}

// HistoryItem is a line of an order.
type HistoryItem struct {
	ProductID string `bson:"productId" json:"productId"`
	Quantity  int    `bson:"quantity" json:"quantity"`
	Price     string `bson:"price" json:"price"`
	Variant   string `bson:"variant,omitempty" json:"variant,omitempty"`
}

// TimelineEntry is one status change of an order.
type TimelineEntry struct {
	Status      string    `bson:"status" json:"status"`
	Timestamp   time.Time `bson:"timestamp" json:"timestamp"`
	Description string    `bson:"description" json:"description"`
}

// HistorySchema is the ODM schema of OrderHistory: the guide's fields
// (shippingAddress and metadata Mixed), timestamps, and its three compound
// indexes.
func HistorySchema() (*odm.Schema, error) {
	s, err := odm.SchemaFor[OrderHistory](&odm.SchemaOpts{Timestamps: odm.DefaultTimestamps})
	if err != nil {
		return nil, err
	}
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "createdAt", Value: -1}}})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "items.productId", Value: 1}}})
	return s, nil
}

// History writes and reads order history documents.
type History struct {
	m *odm.Model[OrderHistory]
}

// NewHistory binds the model to d's orders collection and creates its
// indexes.
func NewHistory(ctx context.Context, d *mongo.Database) (*History, error) {
	if d == nil {
		return nil, errors.New("shop: nil MongoDB database")
	}
	s, err := HistorySchema()
	if err != nil {
		return nil, err
	}
	m, err := odm.NewModel[OrderHistory](d, "OrderHistory", s, &odm.ModelOpts{Collection: HistoryCollection})
	if err != nil {
		return nil, err
	}
	if _, err := m.SyncIndexes(ctx, nil); err != nil {
		return nil, fmt.Errorf("shop: order history indexes: %w", err)
	}
	return &History{m: m}, nil
}

// Model is the underlying odm model.
func (h *History) Model() *odm.Model[OrderHistory] {
	if h == nil {
		return nil
	}
	return h.m
}

// Insert writes doc once: a document already there (same order id) is
// left as it is and reported as not inserted.
func (h *History) Insert(ctx context.Context, doc *OrderHistory) (bool, error) {
	if h == nil {
		return false, errNoHistory
	}
	err := h.m.Create(ctx, doc)
	if odm.IsDuplicateKey(err) {
		return false, nil
	}
	return err == nil, err
}

// Totals returns the total of every history document, by order id, and
// the number of documents read (a map entry per document: more documents
// than entries would mean two documents for one order).
func (h *History) Totals(ctx context.Context) (map[string]string, int, error) {
	if h == nil {
		return nil, 0, errNoHistory
	}
	docs, err := h.m.Find(nil).Select("_id total").Lean().All(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make(map[string]string, len(docs))
	for _, d := range docs {
		out[d.ID] = d.Total
	}
	return out, len(docs), nil
}

// Get returns an order's history document (nil when there is none).
func (h *History) Get(ctx context.Context, orderID string) (*OrderHistory, error) {
	if h == nil {
		return nil, errNoHistory
	}
	d, err := h.m.FindByID(ctx, orderID)
	if odm.IsNotFound(err) {
		return nil, nil
	}
	return d, err
}
