package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// CodeUnsupported is the error code (MongoDB's NotImplemented) of the
// reply the gate sends instead of forwarding a command FerretDB cannot
// handle: one holding a Decimal128 value, on which FerretDB 1.x closes the
// connection (and the driver then marks the whole server unknown); the
// first command of a transaction, which FerretDB answers with a
// FailedToParse error about "startTransaction"; and a createIndexes of a
// text, 2dsphere, 2d or hashed index, which FerretDB answers with
// IndexNotFound. FerretDB's own NotImplemented errors ($lookup,
// $changeStream, TTL and partial indexes) carry the same code.
const CodeUnsupported = 238

// IsUnsupported reports whether err is the gate's refusal of a command
// the embedded server cannot run (a mongo.CommandError, or a write
// exception, with CodeUnsupported).
func IsUnsupported(err error) bool {
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		return ce.Code == CodeUnsupported
	}
	var we mongo.WriteException
	if errors.As(err, &we) && we.WriteConcernError == nil {
		for _, e := range we.WriteErrors {
			if e.Code == CodeUnsupported {
				return true
			}
		}
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(CodeUnsupported)
}

// unsupported returns why msg cannot be forwarded ("" when it can): an
// OP_MSG that starts a transaction, creates an index of a kind FerretDB
// lacks, or whose command or document sequences hold a Decimal128.
func unsupported(msg []byte) string {
	if len(msg) < headerLen+5 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return ""
	}
	why := ""
	sections(msg, binary.LittleEndian.Uint32(msg[16:20]), func(kind byte, sec []byte) bool {
		if kind == 0 {
			if why = commandReason(bsoncore.Document(sec)); why != "" {
				return false
			}
			if hasDecimal(sec) {
				if p, ok := findDecimal(bsoncore.Document(sec), ""); ok {
					why = decimalReason(p)
				}
			}
			return why == ""
		}
		// A document sequence: int32 size, cstring identifier, documents.
		k := 4
		for k < len(sec) && sec[k] != 0 {
			k++
		}
		if k >= len(sec) {
			return false
		}
		ident := string(sec[4:k])
		for j, n := k+1, 0; j+4 <= len(sec); n++ {
			dl := int(int32(binary.LittleEndian.Uint32(sec[j : j+4])))
			if dl < 5 || j+dl > len(sec) {
				return false
			}
			if hasDecimal(sec[j : j+dl]) {
				if p, ok := findDecimal(bsoncore.Document(sec[j:j+dl]), fmt.Sprintf("%s.%d", ident, n)); ok {
					why = decimalReason(p)
					return false
				}
			}
			j += dl
		}
		return true
	})
	return why
}

// commandReason returns why the command document cmd cannot be forwarded
// for what it asks rather than the values it holds: a transaction, or an
// index kind FerretDB does not have. It allocates nothing unless it
// refuses.
func commandReason(cmd bsoncore.Document) string {
	if _, err := cmd.LookupErr("startTransaction"); err == nil {
		name := "a command"
		if e, err := cmd.IndexErr(0); err == nil {
			name = e.Key()
		}
		return fmt.Sprintf("embedded: the embedded server (FerretDB) does not support transactions (%s with startTransaction); use a MongoDB replica set", name)
	}
	first, err := cmd.IndexErr(0)
	if err != nil || first.Key() != "createIndexes" {
		return ""
	}
	indexes, ok := cmd.Lookup("indexes").ArrayOK()
	if !ok {
		return ""
	}
	values, err := indexes.Values()
	if err != nil {
		return ""
	}
	for _, v := range values {
		ix, ok := v.DocumentOK()
		if !ok {
			continue
		}
		key, ok := ix.Lookup("key").DocumentOK()
		if !ok {
			continue
		}
		elems, err := key.Elements()
		if err != nil {
			continue
		}
		for _, e := range elems {
			if kind, ok := e.Value().StringValueOK(); ok {
				return fmt.Sprintf("embedded: the embedded server (FerretDB) does not support %q indexes (%s: %q); use a MongoDB server", kind, e.Key(), kind)
			}
		}
	}
	return ""
}

func decimalReason(path string) string {
	return fmt.Sprintf("embedded: the embedded server (FerretDB) does not support Decimal128 values (%s); use a MongoDB server (POLYSTORE_MONGO_URL)", path)
}

// hasDecimal reports whether the BSON document doc holds a Decimal128 at
// any depth. It allocates nothing (every message the gate forwards is
// scanned: the audit log's inserts of 100 documents at a time included);
// findDecimal, which builds the path for the error, runs only when it
// finds one. A malformed document is scanned up to its fault.
func hasDecimal(doc []byte) bool {
	if len(doc) < 5 {
		return false
	}
	n := int(int32(binary.LittleEndian.Uint32(doc)))
	if n < 5 || n > len(doc) {
		return false
	}
	rem := doc[4 : n-1]
	for len(rem) > 0 {
		e, r, ok := bsoncore.ReadElement(rem)
		if !ok {
			return false
		}
		rem = r
		switch bsoncore.Type(e[0]) {
		case bsoncore.TypeDecimal128:
			return true
		case bsoncore.TypeEmbeddedDocument, bsoncore.TypeArray:
			if v, err := e.ValueErr(); err == nil && hasDecimal(v.Data) {
				return true
			}
		}
	}
	return false
}

// findDecimal returns the path of the first Decimal128 in doc.
func findDecimal(doc bsoncore.Document, prefix string) (string, bool) {
	elems, err := doc.Elements()
	if err != nil {
		return "", false
	}
	for _, e := range elems {
		key := e.Key()
		if prefix != "" {
			key = prefix + "." + key
		}
		v := e.Value()
		switch v.Type {
		case bsoncore.TypeDecimal128:
			return key, true
		case bsoncore.TypeEmbeddedDocument, bsoncore.TypeArray:
			if p, ok := findDecimal(bsoncore.Document(v.Data), key); ok {
				return p, true
			}
		}
	}
	return "", false
}

var gateRequestID atomic.Int32

// errorReply is an OP_MSG reply to requestID with {ok: 0, errmsg, code,
// codeName}, as a server sends for a failed command.
func errorReply(requestID int32, errmsg string) []byte {
	doc := bsoncore.NewDocumentBuilder().
		AppendDouble("ok", 0).
		AppendString("errmsg", errmsg).
		AppendInt32("code", CodeUnsupported).
		AppendString("codeName", "NotImplemented").
		Build()
	n := headerLen + 4 + 1 + len(doc)
	msg := make([]byte, headerLen+5, n)
	binary.LittleEndian.PutUint32(msg[0:4], uint32(n))
	binary.LittleEndian.PutUint32(msg[4:8], uint32(gateRequestID.Add(1)))
	binary.LittleEndian.PutUint32(msg[8:12], uint32(requestID))
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	// flags 0, then section kind 0
	return append(msg, doc...)
}
