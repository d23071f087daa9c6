'use strict';

// Runs output_cases.js through Mongoose and writes output.json: per document
// case what toObject/toJSON returned for each call, per query case what
// Mongoose sent (the model's collection methods are replaced by recorders,
// so no server is needed).
//
//   npm ci && node output.js     (or: make mongoose-fixtures)
process.env.TZ = 'UTC';

const fs = require('fs');
const path = require('path');
const mongoose = require('mongoose');

const { docCases, queryCases } = require('./output_cases.js');
const { plain } = require('./generate.js');

// The clock of timestamps; output_parity_test.go uses the same instant.
const now = new Date('2026-01-02T03:04:05.000Z');

// Named functions; output_parity_test.go has the same ones.
const getters = {
  prefixP: (v) => (v == null ? v : 'P' + v),
  upper: (v) => (typeof v === 'string' ? v.toUpperCase() : v),
};
const virtuals = {
  up: function () { return 'U' + this.name; },
};
const transforms = {
  mark: (doc, ret) => { ret.T = true; return ret; },
  dropSecret: (doc, ret) => { delete ret.secret; return ret; },
};
const defaults = {
  tagList: () => ['a', 'b'],
};

const types = {
  String, Number, Boolean, Date,
  ObjectId: mongoose.Schema.Types.ObjectId,
  Decimal128: mongoose.Schema.Types.Decimal128,
  Mixed: mongoose.Schema.Types.Mixed,
};

function specValue(v) {
  if (v && typeof v === 'object' && '$date' in v) {
    return new Date(v.$date);
  }
  return v;
}

function toPath(p) {
  const o = {};
  switch (p.type) {
    case 'Subdoc':
      o.type = new mongoose.Schema(toDef(p.schema), p.timestamps ? { _id: !!p.id, timestamps: { currentTime: () => now } } : { _id: !!p.id });
      break;
    case 'Array':
      o.type = [toPath(p.of)];
      break;
    case 'Map':
      o.type = Map;
      o.of = toPath(p.of);
      break;
    default:
      if (!(p.type in types)) {
        throw new Error(`unknown type ${p.type}`);
      }
      o.type = types[p.type];
  }
  if (p.default !== undefined) {
    o.default = p.default && p.default.fn ? defaults[p.default.fn] : specValue(p.default);
  }
  if (p.get) {
    o.get = getters[p.get];
  }
  if (p.select === false) {
    o.select = false;
  }
  return o;
}

function toDef(spec) {
  const def = {};
  for (const [name, p] of Object.entries(spec)) {
    def[name] = toPath(p);
  }
  return def;
}

function objectOpts(o) {
  if (o === undefined) {
    return undefined;
  }
  const out = { ...o };
  if (o.transform) {
    out.transform = transforms[o.transform];
  }
  return out;
}

function model(c) {
  const opts = {};
  const co = c.options || {};
  if (co.timestamps !== undefined) {
    opts.timestamps = co.timestamps === true ? {} : { ...co.timestamps };
    opts.timestamps.currentTime = () => now;
  }
  if (co.versionKey !== undefined) {
    opts.versionKey = co.versionKey;
  }
  if (co.minimize !== undefined) {
    opts.minimize = co.minimize;
  }
  for (const k of ['toObject', 'toJSON']) {
    if (co[k]) {
      opts[k] = objectOpts(co[k]);
    }
  }
  const schema = new mongoose.Schema(toDef(c.schema), opts);
  for (const v of c.virtuals || []) {
    schema.virtual(v).get(virtuals[v]);
  }
  if (mongoose.models.Out) {
    mongoose.deleteModel('Out');
  }
  return mongoose.model('Out', schema);
}

function runDoc(c) {
  const M = model(c);
  const doc = new M(c.input);
  const out = { name: c.name, schema: c.schema, options: c.options, virtuals: c.virtuals, input: c.input, calls: [] };
  for (const call of c.calls) {
    const res = doc[call.fn](objectOpts(call.opts));
    // toObject: typed values; toJSON: what JSON.stringify makes of it.
    const got = call.fn === 'toJSON' ? JSON.parse(JSON.stringify(res)) : plain(res);
    out.calls.push({ fn: call.fn, opts: call.opts, result: got });
  }
  return out;
}

async function runQuery(c) {
  const M = model(c);
  let sent;
  const record = (op) => async (...args) => {
    sent = { op, args: args.map(plain) };
    if (op === 'find') {
      return { toArray: async () => [] };
    }
    if (op === 'findOneAndUpdate') {
      return null;
    }
    return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
  };
  for (const op of ['updateOne', 'findOneAndUpdate', 'find']) {
    M.collection[op] = record(op);
  }
  const q = c.query;
  switch (q.op) {
    case 'find': {
      const fq = M.find(q.filter || {});
      if (q.select) {
        fq.select(q.select);
      }
      await fq.exec();
      return { name: c.name, schema: c.schema, options: c.options, query: q, sent: { filter: sent.args[0], projection: sent.args[1].projection || {} } };
    }
    case 'updateOne':
    case 'findOneAndUpdate':
      await M[q.op](q.filter, q.update, q.options || {});
      return { name: c.name, schema: c.schema, options: c.options, query: q, sent: { filter: sent.args[0], update: sent.args[1], upsert: !!sent.args[2].upsert } };
  }
  throw new Error(`unknown op ${q.op}`);
}

async function main() {
  const docs = docCases.map(runDoc);
  const queries = [];
  for (const c of queryCases) {
    queries.push(await runQuery(c));
  }
  const file = path.join(__dirname, 'output.json');
  fs.writeFileSync(file, JSON.stringify({ mongoose: mongoose.version, now: now.toISOString(), docs, queries }, null, 2) + '\n');
  console.log(`wrote ${docs.length} document and ${queries.length} query cases to ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
