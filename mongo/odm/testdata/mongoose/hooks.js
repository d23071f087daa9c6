'use strict';

// Records which middleware Mongoose 9 runs, in order, for each operation
// (pre and post hooks on every event, registered as Mongoose registers
// them by default) and writes hooks.json; TestMongooseHookOrder runs the
// same operations through odm and compares. The model's collection methods
// are replaced by stubs: no server is needed. Update validators run
// (runValidators: true), as they do by default in odm.
//
//   npm ci && node hooks.js     (or: make mongoose-fixtures, whose output.js runs it last)
process.env.TZ = 'UTC';

const fs = require('fs');
const path = require('path');
const mongoose = require('mongoose');

const events = ['validate', 'save', 'insertMany', 'aggregate', 'find', 'findOne', 'countDocuments',
  'estimatedDocumentCount', 'distinct', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete',
  'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany'];

const oid = (n) => new mongoose.Types.ObjectId('64b7f0c2a1b2c3d4e5f607' + String(n).padStart(2, '0'));
const stored = () => [{ _id: oid(1), name: 'a', qty: 1, __v: 0 }];

function model(log) {
  const schema = new mongoose.Schema({ name: { type: String, required: true }, qty: Number });
  for (const e of events) {
    schema.pre(e, function () { log.push('pre ' + e); });
    schema.post(e, function () { log.push('post ' + e); });
  }
  if (mongoose.models.Gadget) {
    mongoose.deleteModel('Gadget');
  }
  const M = mongoose.model('Gadget', schema);
  const c = M.collection;
  const ack = { acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, deletedCount: 1 };
  c.find = async () => ({ toArray: async () => stored() });
  c.findOne = async () => stored()[0];
  c.insertOne = async (d) => ({ acknowledged: true, insertedId: d._id });
  c.insertMany = async (ds) => ({ acknowledged: true, insertedCount: ds.length, insertedIds: Object.fromEntries(ds.map((d, i) => [i, d._id])) });
  c.updateOne = async () => ack;
  c.updateMany = async () => ack;
  c.replaceOne = async () => ack;
  c.deleteOne = async () => ack;
  c.deleteMany = async () => ack;
  c.countDocuments = async () => 1;
  c.estimatedDocumentCount = async () => 1;
  c.distinct = async () => ['a'];
  c.findOneAndUpdate = async () => stored()[0];
  c.findOneAndReplace = async () => stored()[0];
  c.findOneAndDelete = async () => stored()[0];
  c.aggregate = () => ({ toArray: async () => [] });
  return M;
}

// ops: the operations, by the names of odm's TestHooksOnEveryPath rows.
const rv = { runValidators: true };
const ops = {
  'Create': (M) => M.create({ name: 'd' }),
  'Save (tracked)': async (M, log) => { const d = await M.findOne({ name: 'a' }); log.length = 0; d.qty = 9; await d.save(); },
  'InsertMany': (M) => M.insertMany([{ name: 'e' }, { name: 'f' }]),
  'Find.All': (M) => M.find({}),
  'Find.Lean.All': (M) => M.find({}).lean(),
  'FindOne.One': (M) => M.findOne({ name: 'a' }),
  'FindOne.Lean.One': (M) => M.findOne({ name: 'a' }).lean(),
  'FindByID': (M) => M.findById(oid(1)),
  'Exists': (M) => M.exists({ name: 'a' }),
  'Count': (M) => M.countDocuments({}),
  'EstimatedDocumentCount': (M) => M.estimatedDocumentCount(),
  'Distinct': (M) => M.distinct('name', {}),
  'FindOneAndUpdate': (M) => M.findOneAndUpdate({ name: 'a' }, { $inc: { qty: 1 } }, rv),
  'FindOneAndReplace': (M) => M.findOneAndReplace({ name: 'e' }, { name: 'e2' }, rv),
  'FindOneAndDelete': (M) => M.findOneAndDelete({ name: 'e2' }),
  'UpdateOne': (M) => M.updateOne({ name: 'a' }, { $set: { qty: 5 } }, rv),
  'UpdateMany': (M) => M.updateMany({}, { $inc: { qty: 1 } }, rv),
  'ReplaceOne': (M) => M.replaceOne({ name: 'f' }, { name: 'f2' }, rv),
  'DeleteOne': (M) => M.deleteOne({ name: 'f2' }),
  'DeleteMany': (M) => M.deleteMany({ name: 'none' }),
  'Aggregate': (M) => M.aggregate([{ $match: {} }]),
};

async function main() {
  const out = [];
  for (const [name, run] of Object.entries(ops)) {
    const log = [];
    const M = model(log);
    let error = null;
    try {
      await run(M, log);
    } catch (err) {
      error = err.message;
    }
    out.push({ op: name, hooks: log, error });
  }
  const file = path.join(__dirname, 'hooks.json');
  fs.writeFileSync(file, JSON.stringify({ mongoose: mongoose.version, ops: out }, null, 2) + '\n');
  console.log(`wrote ${out.length} operations to ${file}`);
}

module.exports = { main };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
