package trading

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

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

// auditChunk bounds the documents of one insert command (~400 bytes
// each). It is small on purpose: the embedded FerretDB serves a command
// on one goroutine without pausing (~70 µs of CPU per document, cut into
// SQLite transactions of 100), so a command of thousands held one of the
// process's two Ps for tens of milliseconds, and the stream's
// acknowledgements queued behind it; between commands of 100 it waits for
// the next one and the scheduler runs them.
const auditChunk = 100

// insertAudit writes docs (BSON documents, see appendAuditDoc) with
// unordered insert commands and ignores duplicates: the ones already there
// from before a crash. The documents go to the server as they are: no
// encoding through the driver's codecs, no second decode of each one to
// find its _id (InsertMany does both, which cost as much process CPU as
// the rest of the settlement's publishing).
func insertAudit(ctx context.Context, m *odm.Model[AuditLog], docs []bson.Raw) error {
	coll := m.Collection()
	for len(docs) > 0 {
		chunk := docs[:min(len(docs), auditChunk)]
		docs = docs[len(chunk):]
		cmd := bson.D{{Key: "insert", Value: coll.Name()}, {Key: "documents", Value: chunk}, {Key: "ordered", Value: false}}
		err := coll.Database().RunCommand(ctx, cmd).Err()
		var we mongo.WriteException
		if errors.As(err, &we) && we.WriteConcernError == nil {
			for _, e := range we.WriteErrors {
				if e.Code != 11000 { // duplicate key: written before a crash
					return err
				}
			}
			err = nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// appendAuditDoc appends t's audit log document (the guide's
// auditLogSchema, see AuditLog) to dst as BSON and returns it.
func appendAuditDoc(dst []byte, m Market, t *Trade) []byte {
	id, qty := t.ID(), m.QtyText(t.Lots)
	i, dst := bsoncore.AppendDocumentStart(dst)
	dst = bsoncore.AppendStringElement(dst, "_id", id)
	dst = bsoncore.AppendDateTimeElement(dst, "timestamp", t.Time.UnixMilli())
	dst = bsoncore.AppendStringElement(dst, "userId", t.TakerAccountText())
	dst = bsoncore.AppendStringElement(dst, "action", "trade")
	dst = bsoncore.AppendStringElement(dst, "entityType", "trade")
	dst = bsoncore.AppendStringElement(dst, "entityId", id)
	a, dst := bsoncore.AppendArrayElementStart(dst, "changes")
	for k, field := range [2]string{"buyOrder.filled", "sellOrder.filled"} {
		var c int32
		c, dst = bsoncore.AppendDocumentElementStart(dst, strconv.Itoa(k))
		dst = bsoncore.AppendStringElement(dst, "field", field)
		dst = bsoncore.AppendNullElement(dst, "oldValue")
		dst = bsoncore.AppendStringElement(dst, "newValue", qty)
		dst, _ = bsoncore.AppendDocumentEnd(dst, c)
	}
	dst, _ = bsoncore.AppendArrayEnd(dst, a)
	md, dst := bsoncore.AppendDocumentElementStart(dst, "metadata")
	dst = bsoncore.AppendStringElement(dst, "symbol", m.Symbol)
	dst = bsoncore.AppendInt64Element(dst, "seq", int64(t.Seq))
	dst = bsoncore.AppendStringElement(dst, "price", m.PriceText(t.Ticks))
	dst = bsoncore.AppendStringElement(dst, "quantity", qty)
	dst = bsoncore.AppendInt64Element(dst, "buyOrderId", int64(t.BuyOrder))
	dst = bsoncore.AppendInt64Element(dst, "sellOrderId", int64(t.SellOrder))
	dst = bsoncore.AppendStringElement(dst, "takerSide", t.TakerSide)
	dst = bsoncore.AppendInt64Element(dst, "buyAccount", int64(t.BuyAccount))
	dst = bsoncore.AppendInt64Element(dst, "sellAccount", int64(t.SellAccount))
	dst, _ = bsoncore.AppendDocumentEnd(dst, md)
	dst, _ = bsoncore.AppendDocumentEnd(dst, i)
	return dst
}

// auditDocs encodes the trades' audit log documents into one buffer.
func auditDocs(m Market, trades []Trade) []bson.Raw {
	buf := make([]byte, 0, 448*len(trades))
	ends := make([]int, len(trades))
	for i := range trades {
		buf = appendAuditDoc(buf, m, &trades[i])
		ends[i] = len(buf)
	}
	docs := make([]bson.Raw, len(trades))
	for i, start := 0, 0; i < len(trades); i++ {
		docs[i] = bson.Raw(buf[start:ends[i]:ends[i]])
		start = ends[i]
	}
	return docs
}
