'use strict';

// Document output and query cases: what toObject/toJSON return and what
// updates and finds send, run through Mongoose by output.js and through
// odm by TestMongooseOutputParity (output_parity_test.go).
//
// Schemas use the path notation of cases.js, plus:
//   get: a getter named in output.js (prefixP, upper)
//   select: false
//   default: {fn: name} for a function default named in output.js
//   Subdoc: id: true to keep the subdocument's _id (cases.js's have none),
//           implicitId: true for Mongoose's default (an implicit ObjectId _id),
//           timestamps: true for the subdocument schema's timestamps
// maskIds: true records ObjectIds the case did not give (Mongoose generated
// them) as GENERATED_ID.
// Case options: timestamps (true or {createdAt, updatedAt}), versionKey
// (false), toObject / toJSON (schema-level options), virtuals (names of
// virtuals in output.js).
// A document case has input and calls: [{fn: 'toObject' | 'toJSON', opts}],
// opts being Mongoose's (transform named in output.js).
// A query case has query: {op: 'updateOne' | 'findOneAndUpdate', filter,
// update, options}, {op: 'find', select} or {op: 'create', doc}.

const oid = (n) => '64b7f0c2a1b2c3d4e5f607' + String(n).padStart(2, '0');

const item = { sku: { type: 'String' }, at: { type: 'Date' } };

const shop = {
  name: { type: 'String' },
  price: { type: 'Number', get: 'prefixP' },
  items: { type: 'Array', of: { type: 'Subdoc', id: true, schema: item } },
  sub: { type: 'Subdoc', schema: { a: { type: 'String', get: 'upper' }, b: { type: 'Number' } } },
  m: { type: 'Map', of: { type: 'Number' } },
  mixed: { type: 'Mixed' },
  arr: { type: 'Array', of: { type: 'String' } },
  secret: { type: 'String', select: false },
  owner: { type: 'ObjectId' },
  when: { type: 'Date' },
  total: { type: 'Decimal128' },
};

const full = {
  _id: oid(1), name: 'x', price: '5', items: [{ _id: oid(2), sku: 'a', at: '2024-05-01T10:00:00Z' }],
  sub: { a: 'low', b: '2' }, m: { k: 1 }, mixed: { z: 1 }, arr: ['p'], secret: 's', owner: oid(3), when: 1714557600000, total: '1.50',
};

const empty = { _id: oid(1), name: 'x', sub: {}, m: {}, mixed: {}, arr: [], items: [] };

// populateVirtuals: virtual populate of the model Pop (schema), whose finds
// return docs; populate names the virtuals populated before the calls.
const popNotes = {
  schema: { text: { type: 'String' }, post: { type: 'ObjectId' } },
  virtuals: [
    { name: 'notes', localField: '_id', foreignField: 'post' },
    { name: 'first', localField: '_id', foreignField: 'post', justOne: true },
    { name: 'noteCount', localField: '_id', foreignField: 'post', count: true },
    { name: 'never', localField: '_id', foreignField: 'post' },
  ],
  docs: [{ _id: oid(11), text: 'a', post: oid(1) }, { _id: oid(12), text: 'b', post: oid(1) }],
  populate: ['notes', 'first', 'noteCount'],
};

const docCases = [
  {
    name: 'populated virtuals with virtuals true',
    schema: { title: { type: 'String' } }, input: { _id: oid(1), title: 'p' },
    populateVirtuals: popNotes,
    calls: [{ fn: 'toJSON' }, { fn: 'toJSON', opts: { virtuals: true } }, { fn: 'toObject', opts: { virtuals: true } }],
  },
  {
    name: 'populated virtuals that found nothing',
    schema: { title: { type: 'String' } }, input: { _id: oid(2), title: 'p' },
    populateVirtuals: popNotes,
    calls: [{ fn: 'toJSON', opts: { virtuals: true } }],
  },
  {
    name: 'defaults of toObject and toJSON',
    schema: shop, virtuals: ['up'], input: full,
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }],
  },
  {
    name: 'minimize drops empty objects, keeps empty maps and arrays',
    schema: shop, input: empty,
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }, { fn: 'toObject', opts: { minimize: false } }, { fn: 'toJSON', opts: { minimize: false } }],
  },
  {
    name: 'minimize empty subdocument fields',
    schema: shop, input: { _id: oid(1), sub: { a: null } },
    calls: [{ fn: 'toObject' }, { fn: 'toObject', opts: { minimize: false } }],
  },
  {
    name: 'virtuals add id to the document and its subdocuments',
    schema: shop, virtuals: ['up'], input: full,
    calls: [{ fn: 'toObject', opts: { virtuals: true } }, { fn: 'toJSON', opts: { virtuals: true } }],
  },
  {
    name: 'getters imply virtuals',
    schema: shop, virtuals: ['up'], input: full,
    calls: [{ fn: 'toObject', opts: { getters: true } }, { fn: 'toJSON', opts: { getters: true } },
      { fn: 'toObject', opts: { getters: true, virtuals: false } }],
  },
  {
    name: 'versionKey false',
    schema: shop, input: { ...full, __v: 3 },
    calls: [{ fn: 'toObject' }, { fn: 'toObject', opts: { versionKey: false } }, { fn: 'toJSON', opts: { versionKey: false } }],
  },
  {
    name: 'call-level transform reaches subdocuments',
    schema: shop, input: full,
    calls: [{ fn: 'toObject', opts: { transform: 'mark' } }, { fn: 'toJSON', opts: { transform: 'mark' } }],
  },
  {
    name: 'transform that deletes keys',
    schema: shop, input: full,
    calls: [{ fn: 'toJSON', opts: { transform: 'dropSecret' } }],
  },
  {
    name: 'schema-level toJSON options',
    schema: shop, virtuals: ['up'], input: { ...full, __v: 1 },
    options: { toJSON: { virtuals: true, getters: true, versionKey: false, transform: 'dropSecret' } },
    calls: [{ fn: 'toJSON' }, { fn: 'toObject' }],
  },
  {
    name: 'call-level options merge over schema-level ones',
    schema: shop, virtuals: ['up'], input: { ...full, __v: 1 },
    options: { toJSON: { virtuals: true, getters: true, versionKey: false, transform: 'dropSecret' } },
    calls: [{ fn: 'toJSON', opts: { virtuals: true } }, { fn: 'toJSON', opts: { virtuals: false } },
      { fn: 'toJSON', opts: { getters: false } }, { fn: 'toJSON', opts: { transform: 'mark' } }],
  },
  {
    name: 'schema-level toObject options do not reach toJSON',
    schema: shop, virtuals: ['up'], input: full,
    options: { toObject: { virtuals: true } },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }],
  },
  {
    name: 'schema-level minimize false',
    schema: shop, input: empty,
    options: { minimize: false },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }, { fn: 'toObject', opts: { minimize: true } }, { fn: 'toJSON', opts: { minimize: true } }],
  },
  {
    name: 'schema-level minimize false under a toJSON minimize true',
    schema: shop, input: empty,
    options: { minimize: false, toJSON: { minimize: true } },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }, { fn: 'toJSON', opts: { minimize: false } }],
  },
  {
    name: 'timestamps in output',
    schema: shop, input: { ...full, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-02T00:00:00Z' },
    options: { timestamps: true },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }],
  },
  {
    name: 'defaults in output',
    schema: {
      name: { type: 'String', default: 'anon' },
      n: { type: 'Number', default: '7' },
      tags: { type: 'Array', of: { type: 'String' }, default: { fn: 'tagList' } },
      sub: { type: 'Subdoc', schema: { a: { type: 'String', default: 'x' } } },
      items: { type: 'Array', of: { type: 'Subdoc', schema: { q: { type: 'Number', default: 1 } } } },
      at: { type: 'Date', default: { $date: '2024-01-01T00:00:00.000Z' } },
    },
    input: { _id: oid(1), items: [{}, { q: 3 }] },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }],
  },
  {
    name: 'string defaults of Date, ObjectId and Decimal128 in output',
    schema: { at: { type: 'Date', default: '2024-05-01' }, owner: { type: 'ObjectId', default: oid(9) }, total: { type: 'Decimal128', default: '2.50' } },
    input: { _id: oid(1) },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }],
  },
  {
    name: 'dotted input keys in output',
    schema: { sub: { type: 'Subdoc', schema: { a: { type: 'String' }, b: { type: 'Number' } } }, m: { type: 'Map', of: { type: 'Number' } } },
    input: { _id: oid(1), 'sub.b': '3', 'm.k': '4' },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON', opts: { versionKey: false } }],
  },
];

// more output: getters on array elements and map values, Mixed in subdocuments, select false
const gotten = {
  tags: { type: 'Array', of: { type: 'String', get: 'upper' } },
  sub: { type: 'Subdoc', schema: { m: { type: 'Mixed' }, k: { type: 'String', get: 'prefixP' } } },
  items: { type: 'Array', of: { type: 'Subdoc', schema: { m: { type: 'Mixed' }, k: { type: 'String' } } } },
  secret: { type: 'String', select: false },
};
docCases.push(
  {
    name: 'getters on array elements and subdocument fields',
    schema: gotten, input: { _id: oid(1), tags: ['a', 'b'], sub: { k: 'q' } },
    calls: [{ fn: 'toObject', opts: { getters: true } }, { fn: 'toJSON', opts: { getters: true } }, { fn: 'toJSON' }],
  },
  {
    name: 'minimize of Mixed paths in subdocuments',
    schema: gotten, input: { _id: oid(1), sub: { m: {}, k: 'a' }, items: [{ m: { a: {} } }, { m: {}, k: 'b' }] },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON' }, { fn: 'toObject', opts: { minimize: false } }],
  },
  {
    name: 'select false paths stay in the output of a new document',
    schema: gotten, input: { _id: oid(1), secret: 's' },
    calls: [{ fn: 'toObject' }, { fn: 'toJSON', opts: { virtuals: true } }],
  },
  {
    name: 'transform with versionKey false and virtuals',
    schema: shop, virtuals: ['up'], input: { ...full, __v: 4 },
    calls: [{ fn: 'toJSON', opts: { versionKey: false, virtuals: true, transform: 'dropSecret' } }, { fn: 'toObject', opts: { versionKey: false, getters: true, transform: 'mark' } }],
  },
);

const aliased = {
  n: { type: 'String', alias: 'nick' },
  sub: { type: 'Subdoc', schema: { c: { type: 'String', alias: 'city' } } },
  owner: { type: 'ObjectId' },
  refs: { type: 'Array', of: { type: 'ObjectId' } },
};
const aliasedDoc = { _id: oid(1), n: 'x', sub: { c: 'Paris' }, owner: oid(3), refs: [oid(4)] };

docCases.push(
  {
    name: 'aliases are virtuals',
    schema: aliased, input: aliasedDoc,
    calls: [{ fn: 'toObject' }, { fn: 'toObject', opts: { virtuals: true } }, { fn: 'toJSON', opts: { virtuals: true } },
      { fn: 'toObject', opts: { virtuals: true, aliases: false } }, { fn: 'toJSON', opts: { getters: true } }],
  },
  {
    name: 'flattenObjectIds',
    schema: aliased, input: aliasedDoc,
    calls: [{ fn: 'toObject', opts: { flattenObjectIds: true } }, { fn: 'toObject', opts: { flattenObjectIds: false } }, { fn: 'toJSON', opts: { flattenObjectIds: true } }],
  },
  {
    name: 'transform false turns off a schema-level transform',
    schema: shop, input: full,
    options: { toJSON: { transform: 'dropSecret' }, toObject: { transform: 'mark' } },
    calls: [{ fn: 'toJSON' }, { fn: 'toJSON', opts: { transform: false } }, { fn: 'toObject' }, { fn: 'toObject', opts: { transform: false } }],
  },
  {
    name: 'schema-level versionKey false in toJSON and toObject',
    schema: shop, input: { ...full, __v: 2 },
    options: { toJSON: { versionKey: false } },
    calls: [{ fn: 'toJSON' }, { fn: 'toObject' }, { fn: 'toJSON', opts: { versionKey: true } }],
  },
  {
    name: 'schema-level getters in toObject reach subdocuments',
    schema: shop, input: full,
    options: { toObject: { getters: true } },
    calls: [{ fn: 'toObject' }, { fn: 'toObject', opts: { getters: false } }, { fn: 'toJSON' }],
  },
);

const ts = {
  name: { type: 'String' },
  n: { type: 'Number', default: 5 },
  tags: { type: 'Array', of: { type: 'String' }, default: { fn: 'tagList' } },
  sub: { type: 'Subdoc', schema: { a: { type: 'String', default: 'x' }, b: { type: 'String' } } },
  secret: { type: 'String', select: false },
  hidden: { type: 'Number', select: false },
};

const withMixed = { name: { type: 'String' }, mixed: { type: 'Mixed' } };

const withItems = {
  name: { type: 'String' },
  arr: { type: 'Array', of: { type: 'String' } },
  items: { type: 'Array', of: { type: 'Subdoc', schema: { q: { type: 'Number', default: 1 }, r: { type: 'String' } } } },
  one: { type: 'Subdoc', schema: { q: { type: 'Number', default: 1 }, r: { type: 'String' } } },
};

const stamped = { r: { type: 'String' } };
const withStamped = {
  name: { type: 'String' },
  items: { type: 'Array', of: { type: 'Subdoc', timestamps: true, schema: stamped } },
  one: { type: 'Subdoc', timestamps: true, schema: stamped },
};

const implicit = { r: { type: 'String' } };
const withIds = {
  name: { type: 'String' },
  one: { type: 'Subdoc', implicitId: true, schema: implicit },
  items: { type: 'Array', of: { type: 'Subdoc', implicitId: true, schema: implicit } },
  nested: { type: 'Subdoc', implicitId: true, schema: { deep: { type: 'Array', of: { type: 'Subdoc', implicitId: true, schema: implicit } } } },
  off: { type: 'Subdoc', schema: implicit },
  byKey: { type: 'Map', of: { type: 'Subdoc', implicitId: true, schema: implicit } },
};

const evt = { n: { type: 'Number', default: 1 }, at: { type: 'Date' } };
const click = { name: 'Click', schema: { url: { type: 'String', default: 'none' } } };

const filtered = {
  name: { type: 'String' },
  nums: { type: 'Array', of: { type: 'Number' } },
  items: { type: 'Array', of: { type: 'Subdoc', schema: { sku: { type: 'String' }, qty: { type: 'Number' }, at: { type: 'Date' } } } },
};

const mixedSubs = {
  name: { type: 'String' },
  sub: { type: 'Subdoc', schema: { m: { type: 'Mixed' }, k: { type: 'String' } } },
  items: { type: 'Array', of: { type: 'Subdoc', schema: { m: { type: 'Mixed' }, k: { type: 'String' } } } },
};

const queryCases = [
  { name: 'create gives subdocuments an _id', schema: withIds, maskIds: true, query: { op: 'create', doc: { _id: oid(1), name: 'a', one: { r: 'x' }, items: [{ r: 'y' }, { _id: oid(5), r: 'z' }], nested: { deep: [{ r: 'd' }] }, off: { r: 'o' }, byKey: { k: { r: 'm' } } } } },
  { name: 'create without subdocuments adds none', schema: withIds, maskIds: true, query: { op: 'create', doc: { _id: oid(1), name: 'a' } } },
  { name: 'push of a subdocument gives it an _id', schema: withIds, maskIds: true, query: { op: 'updateOne', filter: { name: 'a' }, update: { $push: { items: { r: 'z' } } } } },
  { name: 'set of subdocuments gives them an _id', schema: withIds, maskIds: true, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { one: { r: 'y' }, items: [{ r: 'a' }, { _id: oid(6), r: 'b' }], off: { r: 'c' } } } } },
  { name: 'create stamps subdocuments with timestamps', schema: withStamped, options: { timestamps: true }, query: { op: 'create', doc: { _id: oid(1), name: 'a', items: [{ r: 'y' }], one: { r: 'x' } } } },
  { name: 'create stamps subdocuments without parent timestamps', schema: withStamped, query: { op: 'create', doc: { _id: oid(1), name: 'a', items: [{ r: 'y' }], one: { r: 'x' } } } },
  { name: 'push of a subdocument with timestamps', schema: withStamped, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $push: { items: { r: 'z' } } } } },
  { name: 'push $each of subdocuments with timestamps', schema: withStamped, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $push: { items: { $each: [{ r: 'z' }] } } } } },
  { name: 'addToSet of a subdocument with timestamps', schema: withStamped, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $addToSet: { items: { r: 'q' } } } } },
  { name: 'set of subdocuments with timestamps', schema: withStamped, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { items: [{ r: 'a' }], one: { r: 'b' } } } } },
  { name: 'subdocument timestamps stay with timestamps false per call', schema: withStamped, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $push: { items: { r: 'z' } } }, options: { timestamps: false } } },
  { name: 'upsert of a schema with arrays', schema: withItems, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'set of subdocuments applies their defaults', schema: withItems, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { items: [{}, { q: 2 }], one: { r: 'z' } } } } },
  { name: 'push of a subdocument applies its defaults', schema: withItems, query: { op: 'updateOne', filter: { name: 'a' }, update: { $push: { items: { r: 'z' } } } } },
  { name: 'push of subdocuments with $each applies their defaults', schema: withItems, query: { op: 'updateOne', filter: { name: 'a' }, update: { $push: { items: { $each: [{ r: 'z' }, {}] } } } } },
  { name: 'set of a subdocument field', schema: withItems, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'one.r': 'z', 'items.0.r': 'y' } } } },
  { name: 'update sets updatedAt', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } } } },
  { name: 'update as a plain document sets updatedAt', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { name: 'b' } } },
  { name: 'upsert sets createdAt and defaults on insert', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'upsert defaults skip updated and filtered paths', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a', n: 2 }, update: { $set: { tags: ['z'], 'sub.b': 'y' } }, options: { upsert: true } } },
  { name: 'upsert defaults skip a whole subdocument set', schema: ts, query: { op: 'updateOne', filter: {}, update: { $set: { sub: { b: 'y' } } }, options: { upsert: true } } },
  { name: 'upsert without setDefaultsOnInsert', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { upsert: true, setDefaultsOnInsert: false } } },
  { name: 'upsert defaults with $setOnInsert of the path', schema: ts, query: { op: 'updateOne', filter: {}, update: { $setOnInsert: { n: 9 } }, options: { upsert: true } } },
  { name: 'findOneAndUpdate upsert defaults', schema: ts, options: { timestamps: true }, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $inc: { n: 1 } }, options: { upsert: true } } },
  { name: 'timestamps false per call', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { timestamps: false, upsert: true } } },
  { name: 'createdAt disabled', schema: ts, options: { timestamps: { createdAt: false } }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'renamed timestamps', schema: ts, options: { timestamps: { createdAt: 'created', updatedAt: 'modified' } }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'currentDate of updatedAt is kept', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $currentDate: { updatedAt: true } } } },
  { name: 'set of createdAt is dropped', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { createdAt: '2020-01-01T00:00:00Z', name: 'b' } } } },
  { name: 'set of updatedAt is overwritten', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { updatedAt: '2020-01-01T00:00:00Z' } } } },
  { name: 'filter on a timestamp is cast', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { createdAt: { $gte: '2020-01-01T00:00:00Z' } }, update: { $set: { name: 'b' } } } },
  { name: 'find keeps unknown filter paths by default', schema: ts, query: { op: 'find', filter: { name: 'a', bogus: 1, 'sub.nope': 2 } } },
  { name: 'find drops unknown filter paths under strictQuery', schema: ts, options: { strictQuery: true }, query: { op: 'find', filter: { name: 'a', bogus: 1, 'sub.nope': 2, $or: [{ bogus: 3 }, { n: '4' }] } } },
  { name: 'find with every $or branch dropped under strictQuery', schema: ts, options: { strictQuery: true }, query: { op: 'find', filter: { $or: [{ bogus: 3 }, { other: 1 }] } } },
  { name: 'find keeps unknown paths of a document array element', schema: withItems, options: { strictQuery: true }, query: { op: 'find', filter: { 'items.nope': 1, 'one.r': 'x', zzz: 2 } } },
  { name: 'update drops unknown paths under strict', schema: ts, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { bogus: 1, n: '2' } } } },
  { name: 'update keeps unknown paths with strict false', schema: ts, options: { strict: false }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { bogus: 1, n: '2' } } } },
  { name: 'findOneAndUpdate upsert without setDefaultsOnInsert', schema: ts, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { n: 3 } }, options: { upsert: true, setDefaultsOnInsert: false } } },
  { name: 'findOneAndUpdate with new and runValidators', schema: ts, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { n: '3' } }, options: { new: true, runValidators: true } } },
  { name: 'find hides select false paths', schema: ts, query: { op: 'find' } },
  { name: 'find plus path', schema: ts, query: { op: 'find', select: '+secret' } },
  { name: 'find inclusion with plus path', schema: ts, query: { op: 'find', select: 'name +secret' } },
  { name: 'find exclusion with plus path', schema: ts, query: { op: 'find', select: '-name +secret' } },
  { name: 'find exclusion', schema: ts, query: { op: 'find', select: '-name' } },
  { name: 'find inclusion', schema: ts, query: { op: 'find', select: 'name' } },
  { name: 'find inclusion of a select false path', schema: ts, query: { op: 'find', select: 'secret' } },
  { name: 'find inclusion without _id', schema: ts, query: { op: 'find', select: 'name -_id' } },
  { name: 'find exclusion of _id', schema: ts, query: { op: 'find', select: '-_id' } },
  // sanitizeFilter (a query option here): {__trusted: v} stands for mongoose.trusted(v).
  { name: 'sanitizeFilter wraps an operator object of a String path', schema: ts, query: { op: 'find', filter: { name: { $ne: null } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter wraps an operator object of a Mixed path', schema: withMixed, query: { op: 'find', filter: { mixed: { $gt: 1 }, name: 'a' }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter wraps several operators', schema: withMixed, query: { op: 'find', filter: { mixed: { $gte: 1, $lt: 5 } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter wraps an object mixing keys and operators', schema: withMixed, query: { op: 'find', filter: { mixed: { a: 1, $ne: 2 } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter keeps a lone $eq', schema: ts, query: { op: 'find', filter: { n: { $eq: '3' } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter inside $or and $and', schema: withMixed, query: { op: 'find', filter: { $or: [{ mixed: { $exists: true } }, { name: 'b' }], $and: [{ mixed: { $in: [1] } }] }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter inside $nor', schema: withMixed, query: { op: 'find', filter: { $nor: [{ mixed: { $exists: false } }] }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter keeps trusted operators', schema: ts, query: { op: 'find', filter: { n: { __trusted: { $gte: '18' } }, name: 'a' }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter keeps plain values', schema: ts, query: { op: 'find', filter: { name: 'a', n: '4', 'sub.b': 'c' }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter rejects $where', schema: ts, query: { op: 'find', filter: { $where: 'true' }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter rejects $expr', schema: ts, query: { op: 'find', filter: { $expr: { $eq: ['$n', 1] } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter keeps a top-level $comment', schema: ts, query: { op: 'find', filter: { name: 'a', $comment: 'hi' }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter of a nested path with an operator', schema: ts, query: { op: 'find', filter: { 'sub.b': { $regex: '.*' } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter of an array path with an operator', schema: withItems, query: { op: 'find', filter: { arr: { $size: 0 } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter of an updateOne filter', schema: withMixed, query: { op: 'updateOne', filter: { mixed: { $ne: 1 }, $or: [{ mixed: { $exists: true } }] }, update: { $set: { name: 'b' } }, options: { sanitizeFilter: true } } },
  { name: 'sanitizeFilter of a findOneAndUpdate filter', schema: ts, query: { op: 'findOneAndUpdate', filter: { n: { __trusted: { $lt: '3' } }, name: { $eq: 'a' } }, update: { $set: { name: 'b' } }, options: { sanitizeFilter: true } } },
  // unknown filter paths of an upsert: Mongoose's strict (not strictQuery) refuses them
  { name: 'upsert with an unknown filter path under strict', schema: ts, query: { op: 'updateOne', filter: { name: 'a', bogus: 1 }, update: { $set: { n: 2 } }, options: { upsert: true } } },
  { name: 'upsert with an unknown filter path under strict throw', schema: ts, options: { strict: 'throw' }, query: { op: 'updateOne', filter: { bogus: 1 }, update: { $set: { n: 2 } }, options: { upsert: true } } },
  { name: 'upsert with an unknown filter path and strict false', schema: ts, options: { strict: false }, query: { op: 'updateOne', filter: { bogus: 1 }, update: { $set: { n: 2 } }, options: { upsert: true } } },
  { name: 'findOneAndUpdate upsert with an unknown filter path', schema: ts, query: { op: 'findOneAndUpdate', filter: { 'sub.nope': 1 }, update: { $set: { n: 2 } }, options: { upsert: true } } },
  { name: 'update without upsert keeps an unknown filter path', schema: ts, query: { op: 'updateOne', filter: { bogus: 1 }, update: { $set: { n: 2 } } } },
  { name: 'replaceOne upsert with an unknown filter path', schema: ts, query: { op: 'replaceOne', filter: { bogus: 1 }, update: { name: 'b' }, options: { upsert: true } } },
  { name: 'upsert with an unknown path in $or', schema: ts, query: { op: 'updateOne', filter: { $or: [{ name: 'a' }, { bogus: 1 }] }, update: { $set: { n: 2 } }, options: { upsert: true } } },
  { name: 'upsert with an unknown path of a document array', schema: withItems, query: { op: 'updateOne', filter: { 'items.0.nope': 1 }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'upsert with a timestamp in the filter', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { createdAt: { $gte: '2020-01-01T00:00:00Z' } }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'find under strictQuery throw', schema: ts, options: { strictQuery: 'throw' }, query: { op: 'find', filter: { bogus: 1 } } },
  { name: 'update under strict throw with an unknown update path', schema: ts, options: { strict: 'throw' }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { bogus: 1 } } } },
  // lean: the stubbed driver returns stored; result is what find returned, through JSON.
  { name: 'lean applies no defaults', schema: ts, query: { op: 'find', filter: { name: 'a' }, lean: true, stored: [{ _id: oid(1), name: 'a' }] } },
  { name: 'lean keeps unknown fields and stored types', schema: ts, query: { op: 'find', lean: true, stored: [{ _id: oid(1), name: 'a', n: '7', extra: { x: 1 }, sub: {} }] } },
  { name: 'lean applies no getters or virtuals', schema: shop, virtuals: ['up'], query: { op: 'find', lean: true, stored: [{ _id: oid(1), name: 'x', price: 5, sub: { a: 'low' } }] } },
  { name: 'lean with select false paths', schema: ts, query: { op: 'find', select: '+secret', lean: true, stored: [{ _id: oid(1), secret: 's' }] } },
  { name: 'find without lean applies defaults', schema: ts, query: { op: 'find', stored: [{ _id: oid(1), name: 'a' }] } },
  { name: 'find without lean applies defaults inside stored subdocuments', schema: ts, query: { op: 'find', stored: [{ _id: oid(1), sub: { b: 'y' } }, { _id: oid(2), n: null, tags: [], sub: { a: 'z' } }] } },
  { name: 'find without lean applies defaults in array subdocuments', schema: withItems, query: { op: 'find', stored: [{ _id: oid(1), items: [{ r: 'z' }, { q: 3 }], one: { r: 'w' } }] } },
  { name: 'find with an inclusion applies defaults of selected paths only', schema: ts, query: { op: 'find', select: 'name n', stored: [{ _id: oid(1), name: 'a' }] } },
  { name: 'find with an exclusion applies no defaults to excluded paths', schema: ts, query: { op: 'find', select: '-n', stored: [{ _id: oid(1), name: 'a' }] } },
  { name: 'find with an inclusion of a subdocument field', schema: ts, query: { op: 'find', select: 'sub.b', stored: [{ _id: oid(1), sub: { b: 'y' } }] } },
  { name: 'find with an inclusion of a whole subdocument', schema: ts, query: { op: 'find', select: 'sub', stored: [{ _id: oid(1), sub: { b: 'y' } }] } },
  { name: 'find with an exclusion of a subdocument field', schema: ts, query: { op: 'find', select: '-sub.a', stored: [{ _id: oid(1), sub: { b: 'y' } }] } },
  { name: 'find without lean keeps stored values over defaults', schema: ts, query: { op: 'find', stored: [{ _id: oid(1), name: 'a', n: 0, tags: ['q'] }] } },
  { name: 'find exclusion of a select false path', schema: ts, query: { op: 'find', select: '-secret' } },
  // discriminator: the query runs on base.discriminator(name, schema, {value}) (key: the base schema's discriminatorKey option).
  { name: 'discriminator find filters by its key', schema: evt, discriminator: click, query: { op: 'find', filter: { url: 'u', n: '2' } } },
  { name: 'discriminator find with an empty filter', schema: evt, discriminator: click, query: { op: 'find' } },
  { name: 'discriminator create stores its key', schema: evt, discriminator: click, query: { op: 'create', doc: { _id: oid(1), url: 'u', n: '3' } } },
  { name: 'discriminator create applies base and own defaults', schema: evt, discriminator: click, query: { op: 'create', doc: { _id: oid(1) } } },
  { name: 'discriminator updateOne filters by its key', schema: evt, discriminator: click, query: { op: 'updateOne', filter: { url: 'u' }, update: { $set: { n: '4', url: 'v' } } } },
  { name: 'discriminator upsert inserts its key', schema: evt, discriminator: click, query: { op: 'updateOne', filter: { url: 'u' }, update: { $set: { n: 4 } }, options: { upsert: true } } },
  { name: 'discriminator findOneAndUpdate filters by its key', schema: evt, discriminator: click, query: { op: 'findOneAndUpdate', filter: { n: '1' }, update: { $inc: { n: 1 } } } },
  { name: 'discriminator with a custom key and value', schema: evt, options: { discriminatorKey: 'kind' }, discriminator: { ...click, value: 'clk' }, query: { op: 'find', filter: { url: 'u' } } },
  { name: 'discriminator custom key on create', schema: evt, options: { discriminatorKey: 'kind' }, discriminator: { ...click, value: 'clk' }, query: { op: 'create', doc: { _id: oid(1), url: 'u' } } },
  { name: 'discriminator find of a key filter already given', schema: evt, discriminator: click, query: { op: 'find', filter: { __t: 'Click', url: 'u' } } },
  { name: 'discriminator hydrated find applies its defaults', schema: evt, discriminator: click, query: { op: 'find', stored: [{ _id: oid(1), __t: 'Click' }] } },
  // arrayFilters: each filter is cast against the array element's schema
  // (the path the update names with the same $[identifier])
  { name: 'arrayFilters cast against an array subdocument', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].qty': '7' } }, options: { arrayFilters: [{ 'it.qty': { $lt: '5' }, 'it.sku': 5 }] } } },
  { name: 'arrayFilters cast against a primitive array element', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'nums.$[n]': '0' } }, options: { arrayFilters: [{ n: { $gte: '10' } }] } } },
  { name: 'arrayFilters with two identifiers', schema: filtered, query: { op: 'updateMany', filter: {}, update: { $inc: { 'items.$[a].qty': '1' }, $set: { 'nums.$[b]': 3 } }, options: { arrayFilters: [{ 'a.sku': 7 }, { b: { $in: ['1', 2] } }] } } },
  { name: 'arrayFilters in findOneAndUpdate', schema: filtered, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { 'items.$[it].sku': 9 } }, options: { arrayFilters: [{ 'it.qty': '3' }] } } },
  { name: 'arrayFilters with a date in a nested array subdocument', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].at': '2026-01-01T00:00:00Z' } }, options: { arrayFilters: [{ 'it.at': { $lt: '2025-06-01T00:00:00Z' } }] } } },
  { name: 'arrayFilters with an identifier the update does not use', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { arrayFilters: [{ 'x.qty': '1' }] } } },
  { name: 'arrayFilters with $or cast against the element', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].qty': '7' } }, options: { arrayFilters: [{ $or: [{ 'it.qty': '5' }, { 'it.sku': 5 }] }] } } },
  { name: 'arrayFilters with $and of operators', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].qty': 1 } }, options: { arrayFilters: [{ $and: [{ 'it.qty': { $gt: '1' } }, { 'it.at': { $lt: '2026-01-01' } }] }] } } },
  { name: 'arrayFilters with $or inside $and', schema: filtered, query: { op: 'updateMany', filter: {}, update: { $inc: { 'items.$[it].qty': 1 } }, options: { arrayFilters: [{ $and: [{ $or: [{ 'it.qty': '1' }, { 'it.qty': '2' }] }, { 'it.sku': 3 }] }] } } },
  { name: 'arrayFilters with $nor', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].sku': 'z' } }, options: { arrayFilters: [{ $nor: [{ 'it.qty': '4' }] }] } } },
  { name: 'arrayFilters with $or beside a field', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].sku': 'z' } }, options: { arrayFilters: [{ 'it.sku': 3, $or: [{ 'it.qty': '1' }, { 'it.qty': { $in: ['8', 9] } }] }] } } },
  { name: 'arrayFilters with $or on a primitive element', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'nums.$[n]': 0 } }, options: { arrayFilters: [{ $or: [{ n: '1' }, { n: { $gt: '10' } }] }] } } },
  { name: 'arrayFilters with $or holding a value that does not cast', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].qty': 1 } }, options: { arrayFilters: [{ $or: [{ 'it.qty': 'many' }] }] } } },
  { name: 'arrayFilters with $or in findOneAndUpdate', schema: filtered, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { 'items.$[it].qty': '2' } }, options: { arrayFilters: [{ $or: [{ 'it.at': '2026-01-01' }, { 'it.qty': '3' }] }] } } },
  { name: 'arrayFilters with a value that does not cast', schema: filtered, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { 'items.$[it].qty': 1 } }, options: { arrayFilters: [{ 'it.qty': 'many' }] } } },
  // timestamps on every update path
  { name: 'updateMany sets updatedAt', schema: ts, options: { timestamps: true }, query: { op: 'updateMany', filter: {}, update: { $set: { name: 'b' } } } },
  { name: 'findOneAndUpdate sets updatedAt', schema: ts, options: { timestamps: true }, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { name: 'b' } } } },
  { name: 'findOneAndUpdate with timestamps false per call', schema: ts, options: { timestamps: true }, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { timestamps: false } } },
  { name: 'findOneAndUpdate upsert with renamed timestamps', schema: ts, options: { timestamps: { createdAt: 'created', updatedAt: 'modified' } }, query: { op: 'findOneAndUpdate', filter: { name: 'a' }, update: { $set: { n: 2 } }, options: { upsert: true } } },
  { name: 'updatedAt disabled', schema: ts, options: { timestamps: { updatedAt: false } }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'updatedAt disabled and nothing to set', schema: ts, options: { timestamps: { updatedAt: false } }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { bogus: 1 } } } },
  { name: 'create with renamed timestamps', schema: ts, options: { timestamps: { createdAt: 'created', updatedAt: 'modified' } }, query: { op: 'create', doc: { _id: oid(1), name: 'a' } } },
  { name: 'create with createdAt disabled', schema: ts, options: { timestamps: { createdAt: false } }, query: { op: 'create', doc: { _id: oid(1), name: 'a' } } },
  { name: 'replaceOne with timestamps', schema: ts, options: { timestamps: true }, query: { op: 'replaceOne', filter: { name: 'a' }, update: { _id: oid(1), name: 'b' } } },
  { name: 'update of a renamed createdAt is dropped', schema: ts, options: { timestamps: { createdAt: 'created' } }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { created: '2020-01-01T00:00:00Z', name: 'b' } } } },
  { name: 'update as a plain document with timestamps and upsert', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { name: 'b', n: '3' }, options: { upsert: true } } },
  // defaults on insert
  { name: 'upsert default function on insert', schema: ts, query: { op: 'updateOne', filter: {}, update: { $set: { name: 'q' } }, options: { upsert: true } } },
  { name: 'upsert defaults skip a path the filter gives with an operator', schema: ts, query: { op: 'updateOne', filter: { n: { $gt: 1 } }, update: { $set: { name: 'q' } }, options: { upsert: true } } },
  { name: 'upsert defaults skip a $unset path', schema: ts, query: { op: 'updateOne', filter: {}, update: { $unset: { n: 1 } }, options: { upsert: true } } },
  { name: 'upsert defaults skip a $push path', schema: ts, query: { op: 'updateOne', filter: {}, update: { $push: { tags: 'z' } }, options: { upsert: true } } },
  { name: 'upsert defaults of a nested subdocument path when only a sibling is set', schema: ts, query: { op: 'updateOne', filter: { 'sub.b': 'y' }, update: { $set: { name: 'q' } }, options: { upsert: true } } },
  { name: 'create applies default functions and nested defaults', schema: ts, query: { op: 'create', doc: { _id: oid(1), sub: {} } } },
  { name: 'create keeps a null over a default', schema: ts, query: { op: 'create', doc: { _id: oid(1), n: null, name: null } } },
  // strict and strictQuery
  { name: 'create drops unknown paths under strict', schema: ts, query: { op: 'create', doc: { _id: oid(1), name: 'a', bogus: 1, sub: { b: 'x', nope: 2 } } } },
  { name: 'create keeps unknown paths with strict false', schema: ts, options: { strict: false }, query: { op: 'create', doc: { _id: oid(1), name: 'a', bogus: 1 } } },
  { name: 'update under strict throw refuses an unknown path', schema: ts, options: { strict: 'throw' }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $set: { bogus: 1 } } } },
  { name: 'find under strictQuery throw refuses an unknown path', schema: ts, options: { strictQuery: 'throw' }, query: { op: 'find', filter: { bogus: 1 } } },
  { name: 'find under strictQuery throw takes known paths', schema: ts, options: { strictQuery: 'throw' }, query: { op: 'find', filter: { name: 'a', 'sub.b': 'x' } } },
  { name: 'update filter under strictQuery drops unknown paths', schema: ts, options: { strictQuery: true }, query: { op: 'updateOne', filter: { name: 'a', bogus: 1 }, update: { $set: { name: 'b' } } } },
  { name: 'update filter under strict false and strictQuery default', schema: ts, options: { strict: false }, query: { op: 'updateOne', filter: { bogus: 1 }, update: { $set: { other: 2 } } } },
  // select: false and +path
  { name: 'find plus path of a nested select false', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find', select: '+sub.pin' } },
  { name: 'find hides a nested select false path', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find' } },
  { name: 'find hides a select false path of array subdocuments', schema: { name: { type: 'String' }, items: { type: 'Array', of: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } } }, query: { op: 'find' } },
  { name: 'find plus path of a select false path of array subdocuments', schema: { name: { type: 'String' }, items: { type: 'Array', of: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } } }, query: { op: 'find', select: '+items.pin' } },
  { name: 'find inclusion beside a nested select false path', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find', select: 'name' } },
  { name: 'find plus path and exclusion of another select false path', schema: ts, query: { op: 'find', select: '+secret -hidden' } },
  { name: 'find two plus paths', schema: ts, query: { op: 'find', select: '+secret +hidden' } },
  { name: 'find inclusion of _id only', schema: ts, query: { op: 'find', select: '_id' } },
  // lean
  { name: 'lean find skips defaults and getters', schema: ts, query: { op: 'find', lean: true, stored: [{ _id: oid(1), name: 'a' }] } },
  { name: 'lean find keeps unknown stored fields', schema: ts, query: { op: 'find', lean: true, stored: [{ _id: oid(1), name: 'a', bogus: 1, __v: 0 }] } },
  { name: 'find without lean drops nothing stored', schema: ts, query: { op: 'find', stored: [{ _id: oid(1), name: 'a', bogus: 1, __v: 0 }] } },
  // Mixed inside subdocuments, created and updated
  { name: 'create minimizes empty objects in Mixed paths of subdocuments', schema: mixedSubs, query: { op: 'create', doc: { _id: oid(1), sub: { m: {}, k: 'a' }, items: [{ m: { a: {} } }, { m: {} }] } } },
  { name: 'create keeps empty objects in subdocuments under minimize false', schema: mixedSubs, options: { minimize: false }, query: { op: 'create', doc: { _id: oid(1), sub: { m: {}, k: 'a' }, items: [{ m: { a: {} } }] } } },
  { name: 'update $set of a subdocument holding an empty Mixed object', schema: mixedSubs, query: { op: 'updateOne', filter: {}, update: { $set: { sub: { m: {}, k: 'a' } } } } },
  { name: 'update $push of a subdocument holding an empty Mixed object', schema: mixedSubs, query: { op: 'updateOne', filter: {}, update: { $push: { items: { m: {} } } } } },
  // immutable
  { name: 'update of an immutable path is dropped', schema: { name: { type: 'String' }, code: { type: 'String', immutable: true } }, query: { op: 'updateOne', filter: {}, update: { $set: { code: 'x', name: 'b' } } } },
  { name: 'upsert $setOnInsert of an immutable path is kept', schema: { name: { type: 'String' }, code: { type: 'String', immutable: true } }, query: { op: 'updateOne', filter: {}, update: { $setOnInsert: { code: 'x' }, $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'create sets an immutable path', schema: { name: { type: 'String' }, code: { type: 'String', immutable: true } }, query: { op: 'create', doc: { _id: oid(1), code: 'x' } } },
  // projections: inclusion and exclusion mixed, _id, parents of select false paths
  { name: 'find inclusion mixed with an exclusion', schema: ts, query: { op: 'find', select: 'name -n' } },
  { name: 'find exclusion mixed with an inclusion', schema: ts, query: { op: 'find', select: '-name n' } },
  { name: 'find inclusion with an exclusion of a select false path', schema: ts, query: { op: 'find', select: 'name -secret' } },
  { name: 'find exclusion of a select false path', schema: ts, query: { op: 'find', select: '-secret' } },
  { name: 'find _id inclusion beside an exclusion', schema: ts, query: { op: 'find', select: '_id -name' } },
  { name: 'find inclusion with _id', schema: ts, query: { op: 'find', select: 'name _id' } },
  { name: 'find plus _id', schema: ts, query: { op: 'find', select: '+_id' } },
  { name: 'find exclusion with _id excluded too', schema: ts, query: { op: 'find', select: '-name -_id' } },
  { name: 'find inclusion with a plus path and an exclusion', schema: ts, query: { op: 'find', select: 'name +secret -n' } },
  { name: 'find exclusion of the parent of a nested select false path', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find', select: '-sub' } },
  { name: 'find inclusion of the parent of a nested select false path', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find', select: 'sub' } },
  { name: 'find inclusion of a nested select false path', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find', select: 'sub.pin' } },
  { name: 'find plus path and exclusion of its sibling', schema: { name: { type: 'String' }, sub: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } }, query: { op: 'find', select: '+sub.pin -sub.a' } },
  { name: 'find exclusion of the parent of array subdocuments with a select false path', schema: { name: { type: 'String' }, items: { type: 'Array', of: { type: 'Subdoc', schema: { a: { type: 'String' }, pin: { type: 'String', select: false } } } } }, query: { op: 'find', select: '-items' } },
  // upsert defaults in subdocuments and timestamps on replace
  { name: 'upsert applies defaults inside a subdocument set by a dotted path', schema: ts, query: { op: 'updateOne', filter: {}, update: { $set: { 'sub.b': 'q' } }, options: { upsert: true } } },
  { name: 'upsert with $setOnInsert of a subdocument', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: { name: 'a' }, update: { $setOnInsert: { sub: { b: 'z' } } }, options: { upsert: true } } },
  { name: 'upsert with a filter on a subdocument field', schema: ts, query: { op: 'updateOne', filter: { 'sub.a': 'f' }, update: { $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'upsert with $inc of a defaulted path', schema: ts, query: { op: 'updateOne', filter: {}, update: { $inc: { n: 1 } }, options: { upsert: true } } },
  { name: 'upsert with $unset of a defaulted path', schema: ts, query: { op: 'updateOne', filter: {}, update: { $unset: { n: 1 }, $set: { name: 'b' } }, options: { upsert: true } } },
  { name: 'upsert with $push onto a defaulted array', schema: ts, query: { op: 'updateOne', filter: {}, update: { $push: { tags: 'z' } }, options: { upsert: true } } },
  { name: 'updateMany with timestamps', schema: ts, options: { timestamps: true }, query: { op: 'updateMany', filter: { name: 'a' }, update: { $set: { n: '2' } } } },
  { name: 'upsert with $setOnInsert of createdAt', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: {}, update: { $setOnInsert: { createdAt: '2020-01-01T00:00:00Z' } }, options: { upsert: true } } },
  { name: 'update with $unset of updatedAt under timestamps', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: {}, update: { $unset: { updatedAt: 1 } } } },
  { name: 'update with only createdAt set under timestamps', schema: ts, options: { timestamps: true }, query: { op: 'updateOne', filter: {}, update: { $set: { createdAt: '2020-01-01T00:00:00Z' } } } },
  // Maps
  { name: 'find casts a map value path', schema: { m: { type: 'Map', of: { type: 'Number' } } }, query: { op: 'find', filter: { 'm.k': '5' } } },
  { name: 'update $set of a map value is cast', schema: { m: { type: 'Map', of: { type: 'Date' } } }, query: { op: 'updateOne', filter: {}, update: { $set: { 'm.k': '2026-01-01' } } } },
  { name: 'update $set of a whole map is cast', schema: { m: { type: 'Map', of: { type: 'Number' } } }, query: { op: 'updateOne', filter: {}, update: { $set: { m: { a: '1', b: 2 } } } } },
  { name: 'create casts map values', schema: { m: { type: 'Map', of: { type: 'Number' } } }, query: { op: 'create', doc: { _id: oid(1), m: { a: '1' } } } },
];

// Save cases: stored is hydrated (Model.hydrate, as a find returns it),
// steps change it, and output.js records isNew, isModified(),
// modifiedPaths(), isModified(p) for each p of ask, then what save() sent
// to updateOne (whose stub reports matched documents, 1 unless given) or
// the error it threw, and __v and modifiedPaths() afterwards.
// Steps: {set: [path, value]}, {push: [path, value]}, {pull: [path, value]},
// {unset: path}, {markModified: path}.
const versioned = {
  name: { type: 'String' },
  n: { type: 'Number' },
  tags: { type: 'Array', of: { type: 'String' } },
  items: { type: 'Array', of: { type: 'Subdoc', schema: { sku: { type: 'String' }, qty: { type: 'Number' } } } },
  sub: { type: 'Subdoc', schema: { a: { type: 'String' }, b: { type: 'Number' } } },
  mixed: { type: 'Mixed' },
};
const vstored = { _id: oid(1), name: 'a', n: 1, tags: ['x', 'y'], items: [{ sku: 's1', qty: 1 }, { sku: 's2', qty: 2 }], sub: { a: 'p', b: 1 }, mixed: { k: 1 }, __v: 3 };
const stampedItems = {
  name: { type: 'String' },
  items: { type: 'Array', of: { type: 'Subdoc', timestamps: true, schema: stamped } },
  one: { type: 'Subdoc', timestamps: true, schema: stamped },
};
// validated: validators that a save checks unless validateBeforeSave is false
const validated = {
  name: { type: 'String', required: true },
  n: { type: 'Number', min: 0 },
  tags: { type: 'Array', of: { type: 'String' } },
};
const mstored = { _id: oid(1), name: 'a', sub: { m: { x: 1 }, k: 'a' }, items: [{ m: { y: 1 }, k: 'i' }, { m: { z: 1 }, k: 'j' }], __v: 0 };
const valstored = { _id: oid(1), name: 'a', n: 1, tags: ['x'], __v: 0 };
const old = '2025-01-01T00:00:00.000Z';
const sstored = { _id: oid(1), name: 'a', items: [{ r: 'x', createdAt: new Date(old), updatedAt: new Date(old) }, { r: 'y', createdAt: new Date(old), updatedAt: new Date(old) }], one: { r: 'o', createdAt: new Date(old), updatedAt: new Date(old) }, __v: 0 };

const saveCases = [
  { name: 'hydrated document is neither new nor modified', schema: versioned, stored: vstored, steps: [], ask: ['name', 'items'] },
  { name: 'set of a scalar is not versioned', schema: versioned, stored: vstored, steps: [{ set: ['name', 'b'] }], ask: ['name', 'n', 'items'] },
  { name: 'set of the same value is no modification', schema: versioned, stored: vstored, steps: [{ set: ['name', 'a'] }, { set: ['n', 1] }], ask: ['name'] },
  { name: 'set of a subdocument field', schema: versioned, stored: vstored, steps: [{ set: ['sub.a', 'q'] }], ask: ['sub', 'sub.a', 'sub.b'] },
  { name: 'push onto an array increments the version', schema: versioned, stored: vstored, steps: [{ push: ['tags', 'z'] }], ask: ['tags', 'tags.0'] },
  { name: 'push of a subdocument', schema: versioned, stored: vstored, steps: [{ push: ['items', { sku: 's3', qty: 3 }] }], ask: ['items'] },
  { name: 'set of a field of an array subdocument is guarded by the version', schema: versioned, stored: vstored, steps: [{ set: ['items.1.qty', 5] }], ask: ['items', 'items.1', 'items.1.qty', 'items.0'] },
  { name: 'set of a whole array is guarded and increments the version', schema: versioned, stored: vstored, steps: [{ set: ['tags', ['q']] }], ask: ['tags'] },
  { name: 'pull from an array increments the version', schema: versioned, stored: vstored, steps: [{ pull: ['tags', 'x'] }], ask: ['tags'] },
  { name: 'unset of a path', schema: versioned, stored: vstored, steps: [{ unset: 'n' }], ask: ['n'] },
  { name: 'markModified of an unchanged Mixed path', schema: versioned, stored: vstored, steps: [{ markModified: 'mixed' }], ask: ['mixed', 'mixed.k'] },
  { name: 'scalar and array changes together', schema: versioned, stored: vstored, steps: [{ set: ['name', 'c'] }, { push: ['tags', 'w'] }], ask: ['name', 'tags'] },
  { name: 'stale array change is a VersionError', schema: versioned, stored: vstored, matched: 0, steps: [{ set: ['tags', ['q']] }] },
  { name: 'stale scalar change is a DocumentNotFoundError', schema: versioned, stored: vstored, matched: 0, steps: [{ set: ['name', 'z'] }] },
  { name: 'versionKey false never versions', schema: versioned, options: { versionKey: false }, stored: { ...vstored, __v: undefined }, steps: [{ set: ['tags', ['q']] }] },
  { name: 'optimisticConcurrency versions every save', schema: versioned, options: { optimisticConcurrency: true }, stored: vstored, steps: [{ set: ['name', 'b'] }] },
  { name: 'optimisticConcurrency stale scalar change is a VersionError', schema: versioned, options: { optimisticConcurrency: true }, stored: vstored, matched: 0, steps: [{ set: ['name', 'b'] }] },
  { name: 'save with timestamps sets updatedAt', schema: stampedItems, options: { timestamps: true }, stored: sstored, steps: [{ set: ['name', 'b'] }] },
  { name: 'save moves updatedAt of a modified array subdocument', schema: stampedItems, options: { timestamps: true }, stored: sstored, steps: [{ set: ['items.1.r', 'z'] }] },
  { name: 'save moves updatedAt of a modified single subdocument', schema: stampedItems, stored: sstored, steps: [{ set: ['one.r', 'z'] }] },
  { name: 'save of a deleted unchanged document is a DocumentNotFoundError', schema: versioned, stored: vstored, matched: 0, steps: [] },
  { name: 'unset of a subdocument field', schema: versioned, stored: vstored, steps: [{ unset: 'sub.a' }], ask: ['sub', 'sub.a', 'sub.b'] },
  { name: 'push of two elements', schema: versioned, stored: vstored, steps: [{ push: ['tags', 'p'] }, { push: ['tags', 'q'] }], ask: ['tags'] },
  { name: 'set of fields of two array subdocuments', schema: versioned, stored: vstored, steps: [{ set: ['items.0.sku', 'z0'] }, { set: ['items.1.qty', 9] }], ask: ['items.0', 'items.1.sku'] },
  { name: 'unchanged save with timestamps sends no updatedAt', schema: stampedItems, options: { timestamps: true }, stored: sstored, steps: [] },
  { name: 'set of a subdocument number and unchanged values', schema: versioned, stored: vstored, steps: [{ set: ['n', 1] }, { set: ['name', 'a'] }, { set: ['sub.b', 2] }], ask: ['sub.b'] },
  { name: 'save stamps a pushed subdocument', schema: stampedItems, options: { timestamps: true }, stored: sstored, steps: [{ push: ['items', { r: 'n' }] }] },
  // an empty object in a Mixed path: minimize (the default) drops it on save
  { name: 'set of an empty object on a Mixed path', schema: versioned, stored: vstored, steps: [{ set: ['mixed', {}] }], ask: ['mixed'] },
  { name: 'set of an empty object on a Mixed path under minimize false', schema: versioned, options: { minimize: false }, stored: vstored, steps: [{ set: ['mixed', {}] }], ask: ['mixed'] },
  { name: 'set of an object holding an empty object on a Mixed path', schema: versioned, stored: vstored, steps: [{ set: ['mixed', { a: {}, b: 1 }] }], ask: ['mixed'] },
  // empty objects in Mixed paths of subdocuments: minimized on save too
  { name: 'set of an empty object on a Mixed path of a subdocument', schema: mixedSubs, stored: mstored, steps: [{ set: ['sub.m', {}] }], ask: ['sub', 'sub.m'] },
  { name: 'set of an object holding an empty object on a Mixed path of a subdocument', schema: mixedSubs, stored: mstored, steps: [{ set: ['sub.m', { a: {}, b: 1 }] }] },
  { name: 'set of an empty object on a Mixed path of a subdocument under minimize false', schema: mixedSubs, options: { minimize: false }, stored: mstored, steps: [{ set: ['sub.m', {}] }] },
  { name: 'set of an empty object on a Mixed path of an array subdocument', schema: mixedSubs, stored: mstored, steps: [{ set: ['items.0.m', {}] }], ask: ['items', 'items.0.m'] },
  { name: 'set of an object holding an empty object on a Mixed path of an array subdocument', schema: mixedSubs, stored: mstored, steps: [{ set: ['items.1.m', { a: {}, b: 1 }] }] },
  { name: 'set of an empty object on a Mixed path of an array subdocument under minimize false', schema: mixedSubs, options: { minimize: false }, stored: mstored, steps: [{ set: ['items.0.m', {}] }] },
  { name: 'push of a subdocument holding an empty Mixed object', schema: mixedSubs, stored: mstored, steps: [{ push: ['items', { m: {}, k: 'n' }] }] },
  { name: 'push of a subdocument holding an empty Mixed object under minimize false', schema: mixedSubs, options: { minimize: false }, stored: mstored, steps: [{ push: ['items', { m: { a: {} }, k: 'n' }] }] },
  { name: 'set of a whole array of subdocuments holding empty Mixed objects', schema: mixedSubs, stored: mstored, steps: [{ set: ['items', [{ m: {}, k: 'p' }, { m: { a: {} }, k: 'q' }, { k: 'r' }]] }] },
  // change tracking: isModified and modifiedPaths of nested changes
  { name: 'set of a Mixed subpath with markModified', schema: versioned, stored: vstored, steps: [{ set: ['mixed', { k: 2, j: 1 }] }], ask: ['mixed', 'mixed.k', 'n'] },
  { name: 'unset and set back of the same value', schema: versioned, stored: vstored, steps: [{ unset: 'name' }, { set: ['name', 'a'] }], ask: ['name'] },
  { name: 'set of a whole subdocument with one field changed', schema: versioned, stored: vstored, steps: [{ set: ['sub', { a: 'p', b: 2 }] }], ask: ['sub', 'sub.a', 'sub.b'] },
  { name: 'push then pull of the same element', schema: versioned, stored: vstored, steps: [{ push: ['tags', 'z'] }, { pull: ['tags', 'z'] }], ask: ['tags'] },
  { name: 'markModified of a subdocument field', schema: versioned, stored: vstored, steps: [{ markModified: 'sub.a' }], ask: ['sub', 'sub.a', 'sub.b'] },
  { name: 'set of a number from a string of the same value', schema: versioned, stored: vstored, steps: [{ set: ['n', '1'] }], ask: ['n'] },
  { name: 'set of an array subdocument field to the same value', schema: versioned, stored: vstored, steps: [{ set: ['items.0.qty', 1] }], ask: ['items', 'items.0.qty'] },
  { name: 'unset of a whole subdocument', schema: versioned, stored: vstored, steps: [{ unset: 'sub' }], ask: ['sub', 'sub.a'] },
  // validateBeforeSave (the schema's, and save's option over it)
  { name: 'save validates an invalid value', schema: validated, stored: valstored, steps: [{ set: ['n', -5] }] },
  { name: 'validateBeforeSave false saves an invalid value', schema: validated, options: { validateBeforeSave: false }, stored: valstored, steps: [{ set: ['n', -5] }, { unset: 'name' }] },
  { name: 'save validateBeforeSave false saves an invalid value', schema: validated, saveOptions: { validateBeforeSave: false }, stored: valstored, steps: [{ set: ['n', -5] }, { push: ['tags', 'y'] }] },
  { name: 'save validateBeforeSave true overrides the schema option', schema: validated, options: { validateBeforeSave: false }, saveOptions: { validateBeforeSave: true }, stored: valstored, steps: [{ unset: 'name' }] },
];

module.exports = { docCases, queryCases, saveCases };
