'use strict';

// Runs every case of cases.js through Mongoose (new Model(input) and
// doc.validate(), which reports what the deprecated validateSync() does and
// needs no server) and writes fixtures.json: per case the
// schema and input, and what Mongoose reported: each error's path, name,
// kind and message, the whole error message, and the cast document.
//
//   npm ci && node generate.js     (or: make mongoose-fixtures)
//
// Mongoose renders Dates in messages with Date#toString, in the process's
// time zone: always UTC here.
process.env.TZ = 'UTC';

const fs = require('fs');
const path = require('path');
const mongoose = require('mongoose');

const { cases, modelNames, schemas } = require('./cases.js');

// Custom validators by name; parity_test.go has the same functions.
const validators = {
  twoDecimals: (v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6,
  codePrefix: (v) => typeof v === 'string' && v.startsWith('C-'),
  even: (v) => v % 2 === 0,
  // throws: a validator that throws; its message (templated) is the error's.
  throws: (v) => { throw new Error('bad {PATH}: {VALUE}'); },
  asyncEven: async (v) => v % 2 === 0,
  rejects: async (v) => { throw new Error('rejected {PATH}: {VALUE}'); },
};

const types = {
  String: String,
  Number: Number,
  Boolean: Boolean,
  Date: Date,
  ObjectId: mongoose.Schema.Types.ObjectId,
  Decimal128: mongoose.Schema.Types.Decimal128,
  Mixed: mongoose.Schema.Types.Mixed,
  Int32: mongoose.Schema.Types.Int32,
  Double: mongoose.Schema.Types.Double,
  BigInt: BigInt,
  UUID: mongoose.Schema.Types.UUID,
};

function specValue(v) {
  if (v && typeof v === 'object' && '$date' in v) {
    return new Date(v.$date);
  }
  return v;
}

// withMessage turns {value, message} into Mongoose's [value, message].
function withMessage(v) {
  if (v && typeof v === 'object' && 'value' in v) {
    return [specValue(v.value), v.message];
  }
  return specValue(v);
}

function toSchema(spec, strict) {
  const def = {};
  for (const [name, p] of Object.entries(spec)) {
    def[name] = toPath(p, strict);
  }
  const opts = { _id: false, versionKey: false };
  if (strict !== undefined) {
    opts.strict = strict;
  }
  return new mongoose.Schema(def, opts);
}

function toPath(p, strict) {
  const o = {};
  switch (p.type) {
    case 'Subdoc':
      o.type = toSchema(p.schema, strict);
      break;
    case 'Array':
      o.type = [toPath(p.of, strict)];
      break;
    case 'Map':
      o.type = Map;
      o.of = toPath(p.of, strict);
      break;
    default:
      if (!(p.type in types)) {
        throw new Error(`unknown type ${p.type}`);
      }
      o.type = types[p.type];
  }
  if (p.required !== undefined) {
    o.required = typeof p.required === 'string' ? [true, p.required] : p.required;
  }
  for (const k of ['min', 'max', 'minlength', 'maxlength']) {
    if (p[k] !== undefined) {
      o[k] = withMessage(p[k]);
    }
  }
  if (p.enum !== undefined) {
    o.enum = Array.isArray(p.enum) ? p.enum : { values: p.enum.values, message: p.enum.message };
  }
  if (p.match !== undefined) {
    o.match = typeof p.match === 'string' ? new RegExp(p.match) : [new RegExp(p.match.value), p.match.message];
  }
  if (p.validate !== undefined) {
    const fn = validators[p.validate.fn];
    if (!fn) {
      throw new Error(`unknown validator ${p.validate.fn}`);
    }
    o.validate = p.validate.message === undefined ? fn : { validator: fn, message: p.validate.message };
  }
  if (p.default !== undefined) {
    o.default = specValue(p.default);
  }
  if (p.alias !== undefined) {
    o.alias = p.alias;
  }
  for (const k of ['trim', 'lowercase', 'uppercase', 'immutable']) {
    if (p[k]) {
      o[k] = true;
    }
  }
  return o;
}

// plain renders a cast value as typed JSON: numbers, strings, booleans and
// null as themselves, {$date: iso}, {$oid: hex}, {$numberDecimal: s},
// {$numberLong: s} for BigInt, {$uuid: s}, Doubles as numbers,
// arrays and objects (Maps and subdocuments too) recursively. output.js
// uses it too.
function plain(v) {
  if (v === null || v === undefined) {
    return null;
  }
  if (v instanceof mongoose.Document) {
    return plain(v.toObject());
  }
  if (v instanceof Date) {
    return isNaN(v.getTime()) ? { $date: 'Invalid Date' } : { $date: v.toISOString() };
  }
  if (v instanceof mongoose.Types.ObjectId) {
    return { $oid: v.toHexString() };
  }
  if (v instanceof mongoose.Types.Decimal128) {
    return { $numberDecimal: v.toString() };
  }
  if (typeof v === 'bigint') {
    return { $numberLong: String(v) };
  }
  if (v && v._bsontype === 'Double') {
    return v.valueOf();
  }
  if (v instanceof mongoose.Types.UUID) {
    return { $uuid: v.toString() };
  }
  if (typeof v === 'number' && !Number.isFinite(v)) {
    return { $numberDouble: String(v) };
  }
  if (v instanceof Map) {
    return plain(Object.fromEntries(v));
  }
  if (Array.isArray(v)) {
    return v.map(plain);
  }
  if (typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = plain(x);
    }
    return out;
  }
  return v;
}

function describe(err) {
  const errors = {};
  for (const [p, e] of Object.entries(err.errors)) {
    errors[p] = { name: e.name, kind: e.kind, message: e.message };
  }
  return { message: err.message, paths: Object.keys(err.errors), errors };
}

async function run(c) {
  const schema = toSchema(c.schema, c.strict);
  if (mongoose.models.Parity) {
    mongoose.deleteModel('Parity');
  }
  const Model = mongoose.model('Parity', schema);
  const out = { name: c.name, schema: c.schema };
  const named = Object.keys(schemas).find((k) => schemas[k] === c.schema);
  if (named) {
    out.schemaName = named;
  }
  if (c.strict !== undefined) {
    out.strict = c.strict;
  }
  if (c.filter !== undefined) {
    out.filter = c.filter;
    out.filterResult = runFilter(Model, c.filter);
    return out;
  }
  if (c.update !== undefined) {
    out.update = c.update;
    out.updateResult = await runUpdate(Model, c.update);
    return out;
  }
  out.input = c.input;
  let doc;
  try {
    doc = new Model(c.input);
  } catch (e) {
    out.throws = { name: e.name, path: e.path, message: e.message };
    return out;
  }
  try {
    await doc.validate();
  } catch (err) {
    if (err.name !== 'ValidationError') {
      throw err;
    }
    out.validation = describe(err);
  }
  out.doc = plain(doc.toObject({ flattenMaps: true, depopulate: true }));
  return out;
}

// runFilter casts a find's filter as Mongoose does before it sends it
// (Query#cast): the cast filter, or the CastError thrown.
function runFilter(Model, filter) {
  const q = Model.find(filter);
  try {
    return { casted: plain(q.cast(Model)) };
  } catch (e) {
    if (e.name !== 'CastError') {
      // Mongoose's other refusals (an operator a path's type lacks...).
      return { error: { name: e.name, message: e.message } };
    }
    return { castError: { path: e.path, name: e.name, kind: e.kind, message: e.message } };
  }
}

// runUpdate casts and validates an update as updateOne with runValidators
// does before it sends anything: a cast failure is thrown as one CastError,
// validator failures come back as a ValidationError.
async function runUpdate(Model, update) {
  const q = Model.updateOne({}, update, { runValidators: true });
  let casted;
  try {
    casted = q._castUpdate(q._update);
  } catch (e) {
    if (e.name === 'StrictModeError') {
      return { throws: { name: e.name, path: e.path, message: e.message } };
    }
    if (e.name !== 'CastError') {
      throw e;
    }
    return { castError: { path: e.path, name: e.name, kind: e.kind, message: e.message } };
  }
  try {
    await q.validate(casted, q.options, false);
  } catch (e) {
    if (e.name !== 'ValidationError') {
      throw e;
    }
    return { validation: describe(e) };
  }
  return { casted: plain(casted) };
}

async function main() {
  const out = [];
  for (const c of cases) {
    out.push(await run(c));
  }
  // The collection a model gets when none is given: Mongoose's pluralize.
  const collectionNames = {};
  for (const name of modelNames) {
    collectionNames[name] = mongoose.model(name, new mongoose.Schema({})).collection.collectionName;
  }
  const fixtures = { mongoose: mongoose.version, cases: out, collectionNames };
  const file = path.join(__dirname, 'fixtures.json');
  fs.writeFileSync(file, JSON.stringify(fixtures, null, 2) + '\n');
  console.log(`wrote ${out.length} cases to ${file}`);
}

module.exports = { plain };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
