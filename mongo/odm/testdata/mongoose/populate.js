'use strict';

// Runs populate_cases.js through Mongoose against the embedded FerretDB
// and writes populate.json: per case, per call, what toObject/toJSON
// returned for each document found.
//
//   npm ci && node populate.js     (or: make mongoose-fixtures)
//
// It starts the server with `go run ./ferretdb` (mongo/embedded on a
// loopback port), or uses POLYSTORE_FIXTURE_MONGO_URL when set.
process.env.TZ = 'UTC';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const mongoose = require('mongoose');

const { seed, cases } = require('./populate_cases.js');
const { plain } = require('./generate.js');

const { Schema } = mongoose;
const ref = (model) => ({ type: Schema.Types.ObjectId, ref: model });

function models(conn) {
  const opts = { versionKey: false };
  return {
    User: conn.model('User', new Schema({ name: String, email: String, age: Number }, opts)),
    Tag: conn.model('Tag', new Schema({ name: String }, opts)),
    Comment: conn.model('Comment', new Schema({ body: String, author: ref('User'), approved: Boolean, likes: Number }, opts)),
    Post: conn.model('Post', new Schema({
      title: String,
      author: ref('User'),
      editors: [ref('User')],
      comments: [ref('Comment')],
      tags: [ref('Tag')],
      meta: { reviewer: ref('User') },
      sections: [new Schema({ heading: String, owner: ref('User') }, { _id: false })],
    }, opts)),
    Activity: conn.model('Activity', new Schema({
      verb: String,
      kind: String,
      target: { type: Schema.Types.ObjectId, refPath: 'kind' },
      items: [new Schema({ kind: String, item: { type: Schema.Types.ObjectId, refPath: 'items.kind' } }, { _id: false })],
    }, opts)),
  };
}

// server starts the embedded FerretDB and resolves to [url, stop].
function server() {
  if (process.env.POLYSTORE_FIXTURE_MONGO_URL) {
    return Promise.resolve([process.env.POLYSTORE_FIXTURE_MONGO_URL, () => {}]);
  }
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['run', './ferretdb'], { cwd: __dirname, stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`ferretdb exited with ${code}`)));
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        resolve([buf.slice(0, nl).trim(), () => child.stdin.end()]);
      }
    });
  });
}

// typed turns the hex ObjectIds of the seed into ObjectIds.
function typed(v) {
  if (typeof v === 'string' && /^[0-9a-f]{24}$/.test(v)) {
    return new mongoose.Types.ObjectId(v);
  }
  if (Array.isArray(v)) {
    return v.map(typed);
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typed(x)]));
  }
  return v;
}

async function main() {
  const [url, stop] = await server();
  const conn = mongoose.createConnection(url, { dbName: 'populate_fixtures' });
  await conn.asPromise();
  try {
    await conn.db.dropDatabase();
    for (const [coll, docs] of Object.entries(seed)) {
      await conn.db.collection(coll).insertMany(typed(docs));
    }
    const M = models(conn);
    const out = [];
    for (const c of cases) {
      let q = M[c.model].find(c.filter || {}).sort({ _id: 1 });
      for (const p of c.populate) {
        q = q.populate(p);
      }
      if (c.lean) {
        q = q.lean();
      }
      let docs;
      try {
        docs = await q.exec();
      } catch (err) {
        // a case may record Mongoose's error instead of documents
        out.push({ ...c, error: { name: err.name, message: err.message } });
        continue;
      }
      const calls = (c.calls || [{ fn: 'toObject' }]).map((call) => ({
        ...call,
        result: docs.map((d) => {
          if (c.lean) {
            return call.fn === 'toJSON' ? JSON.parse(JSON.stringify(d)) : plain(d);
          }
          const res = d[call.fn](call.opts);
          return call.fn === 'toJSON' ? JSON.parse(JSON.stringify(res)) : plain(res);
        }),
      }));
      out.push({ ...c, calls });
    }
    const file = path.join(__dirname, 'populate.json');
    fs.writeFileSync(file, JSON.stringify({ mongoose: mongoose.version, seed, cases: out }, null, 2) + '\n');
    console.log(`wrote ${out.length} cases to ${file}`);
  } finally {
    await conn.db.dropDatabase();
    await conn.close();
    stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
