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
const { plain } = require('./generate.js');

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

// Error-handling middleware (post hooks taking (err, doc, next)): on the
// events below, a pre and a post hook, then three error handlers in this
// order: err1 keeps the error (next()), err2 replaces it (next(new
// Error('replaced by err2'))), err3 keeps it. Each handler logs the error
// it sees, by kind (invalid: a ValidationError or CastError, whose texts
// differ on purpose, see docs/odm.md; duplicate key; else its message).
// TestMongooseErrorHooks runs the same cases through odm.
const errEvents = ['validate', 'save', 'insertMany', 'updateOne', 'findOneAndUpdate'];

function errKind(err) {
  if (err.name === 'ValidationError' || err.name === 'CastError') {
    return 'invalid';
  }
  if (err.code === 11000) {
    return 'duplicate key';
  }
  return err.message;
}

function errModel(log, extra) {
  const schema = new mongoose.Schema({ name: { type: String, required: true, unique: true }, qty: { type: Number, min: 0 } });
  if (extra === 'post save fails first') {
    schema.post('save', function () { log.push('post save (fails)'); throw new Error('post hook refused'); });
  }
  for (const e of errEvents) {
    schema.pre(e, function () { log.push('pre ' + e); });
    schema.post(e, function () { log.push('post ' + e); });
    schema.post(e, function (err, doc, next) { log.push('err1 ' + e + ': ' + errKind(err)); next(); });
    schema.post(e, function (err, doc, next) { log.push('err2 ' + e + ': ' + errKind(err)); next(new Error('replaced by err2')); });
    schema.post(e, function (err, doc, next) { log.push('err3 ' + e + ': ' + errKind(err)); next(); });
  }
  if (extra === 'pre save fails') {
    schema.pre('save', function () { throw new Error('pre hook refused'); });
  }
  if (extra === 'pre updateOne fails') {
    schema.pre('updateOne', function () { throw new Error('pre hook refused'); });
  }
  if (extra === 'post save fails last') {
    schema.post('save', function () { log.push('post save (fails)'); throw new Error('post hook refused'); });
  }
  if (mongoose.models.Gadget) {
    mongoose.deleteModel('Gadget');
  }
  const M = mongoose.model('Gadget', schema);
  const c = M.collection;
  const dup = () => Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
  c.findOne = async () => stored()[0];
  c.insertOne = async (d) => {
    if (d.name === 'a') {
      throw dup();
    }
    return { acknowledged: true, insertedId: d._id };
  };
  c.insertMany = async () => { throw dup(); };
  c.updateOne = async () => ({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
  c.findOneAndUpdate = async () => stored()[0];
  return M;
}

// errOps: by the names of TestMongooseErrorHooks's rows; the stored
// document is {name: 'a', qty: 1}.
const errOps = {
  'Validate invalid': [(M) => new M({ qty: -1 }).validate()],
  'Create invalid': [(M) => M.create({ qty: -1 })],
  'Create duplicate': [(M) => M.create({ name: 'a' })],
  'Create pre save fails': [(M) => M.create({ name: 'b' }), 'pre save fails'],
  'Create post save fails before the handlers': [(M) => M.create({ name: 'b' }), 'post save fails first'],
  'Create post save fails after the handlers': [(M) => M.create({ name: 'b' }), 'post save fails last'],
  'InsertMany invalid': [(M) => M.insertMany([{ qty: -1 }])],
  'InsertMany duplicate': [(M) => M.insertMany([{ name: 'a' }])],
  'UpdateOne invalid': [(M) => M.updateOne({ name: 'a' }, { $set: { qty: -1 } }, rv)],
  'UpdateOne cast error': [(M) => M.updateOne({ name: 'a' }, { $set: { qty: 'zz' } }, rv)],
  'UpdateOne pre updateOne fails': [(M) => M.updateOne({ name: 'a' }, { $set: { qty: 2 } }, rv), 'pre updateOne fails'],
  'FindOneAndUpdate invalid': [(M) => M.findOneAndUpdate({ name: 'a' }, { $set: { qty: -1 } }, rv)],
  'FindOneAndUpdate ok': [(M) => M.findOneAndUpdate({ name: 'a' }, { $set: { qty: 2 } }, rv)],
};

// Hook order across plugins and discriminators: a global plugin
// (mongoose.plugin), a schema plugin applied before the schema's own
// hooks, a discriminator schema with its own hooks and a plugin applied
// after them. Each registers a pre and a post hook on validate, save and
// find that log who registered them. TestMongooseHookOrderPlugins runs
// the same through odm.
async function orderCases() {
  const log = [];
  const tag = (who) => (s) => {
    for (const e of ['validate', 'save', 'find']) {
      s.pre(e, function () { log.push(who + ' pre ' + e); });
      s.post(e, function () { log.push(who + ' post ' + e); });
    }
  };
  mongoose.plugin(tag('global'));
  const base = new mongoose.Schema({ name: String });
  base.plugin(tag('base plugin'));
  tag('base')(base);
  const M = mongoose.model('Thing', base);
  const child = new mongoose.Schema({ extra: String });
  tag('child')(child);
  child.plugin(tag('child plugin'));
  const C = M.discriminator('Special', child);
  const c = M.collection;
  c.insertOne = async (d) => ({ acknowledged: true, insertedId: d._id });
  c.find = async () => ({ toArray: async () => [] });
  const out = [];
  for (const [op, run] of [['base Create', () => M.create({ name: 'a' })], ['base Find', () => M.find({})],
    ['child Create', () => C.create({ name: 'b' })], ['child Find', () => C.find({})]]) {
    log.length = 0;
    await run();
    out.push({ op, hooks: [...log] });
  }
  mongoose.plugins.pop(); // the global plugin stays out of the other cases
  return out;
}

// Pre hooks that rescue a query whose filter or update does not cast:
// Mongoose casts both in the query's exec, after its pre hooks, so a pre
// hook sees them as given (getFilter/getUpdate) and one that replaces
// them (setQuery/setUpdate, or a change in place) decides what is cast
// and sent. TestMongooseRescueHooks runs the same through odm. Each case:
// the operation, and the fix its pre hook makes (none: the hook only
// looks). Recorded: what the hook saw, what was sent, the error's name.
const qty = { name: { type: String, required: true }, qty: { type: Number, min: 0 } };
const rescueOps = {
  'UpdateOne update replaced': ['updateOne', (M) => M.updateOne({ name: 'a' }, { $set: { qty: 'zz' } }, rv),
    (q) => q.setUpdate({ $set: { qty: 5 } })],
  'UpdateOne update fixed in place': ['updateOne', (M) => M.updateOne({ name: 'a' }, { $set: { qty: 'zz', name: 'b' } }, rv),
    (q) => { q.getUpdate().$set.qty = '6'; }],
  'UpdateOne invalid update replaced': ['updateOne', (M) => M.updateOne({ name: 'a' }, { $set: { qty: -1 } }, rv),
    (q) => q.setUpdate({ $set: { qty: 1 } })],
  'UpdateOne filter replaced': ['updateOne', (M) => M.updateOne({ qty: 'zz' }, { $set: { name: 'c' } }, rv),
    (q) => q.setQuery({ qty: 2 })],
  'UpdateOne hook that only looks': ['updateOne', (M) => M.updateOne({ name: 'a' }, { $set: { qty: 'zz' } }, rv), null],
  'UpdateMany update replaced': ['updateMany', (M) => M.updateMany({}, { $inc: { qty: 'x' } }, rv),
    (q) => q.setUpdate({ $inc: { qty: 1 } })],
  'FindOneAndUpdate update replaced': ['findOneAndUpdate', (M) => M.findOneAndUpdate({ name: 'a' }, { $set: { qty: 'zz' } }, rv),
    (q) => q.setUpdate({ $set: { qty: '7' } })],
  'FindOneAndUpdate filter replaced': ['findOneAndUpdate', (M) => M.findOneAndUpdate({ qty: 'zz' }, { $set: { qty: 3 } }, rv),
    (q) => q.setQuery({ name: 'a' })],
  'Find filter replaced': ['find', (M) => M.find({ qty: 'zz' }), (q) => q.setQuery({ qty: '4' })],
  'Find hook that only looks': ['find', (M) => M.find({ qty: 'zz' }), null],
  'FindOne filter fixed in place': ['findOne', (M) => M.findOne({ qty: 'zz', name: 'a' }), (q) => { q.getFilter().qty = 1; }],
  'CountDocuments filter replaced': ['countDocuments', (M) => M.countDocuments({ qty: 'zz' }), (q) => q.setQuery({ qty: 8 })],
  'DeleteOne filter replaced': ['deleteOne', (M) => M.deleteOne({ qty: 'zz' }), (q) => q.setQuery({ name: 'a' })],
  'DeleteMany hook that only looks': ['deleteMany', (M) => M.deleteMany({ qty: 'zz' }), null],
};

async function rescueCases() {
  const out = [];
  for (const [name, [event, run, fix]] of Object.entries(rescueOps)) {
    const schema = new mongoose.Schema(qty, { versionKey: false });
    let seen = null;
    schema.pre(event, function () {
      seen = { filter: plain(this.getFilter()) };
      if (this.getUpdate() != null) {
        seen.update = plain(this.getUpdate());
      }
      if (fix) {
        fix(this);
      }
    });
    if (mongoose.models.Rescue) {
      mongoose.deleteModel('Rescue');
    }
    const M = mongoose.model('Rescue', schema);
    let sent = null;
    const c = M.collection;
    const rec = (op) => async (...args) => {
      sent = { filter: plain(args[0]) };
      if (op.startsWith('update') || op === 'findOneAndUpdate') {
        sent.update = plain(args[1]);
      }
      if (op === 'find') {
        return { toArray: async () => [] };
      }
      if (op === 'findOne' || op === 'findOneAndUpdate') {
        return null;
      }
      if (op === 'countDocuments') {
        return 0;
      }
      return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, deletedCount: 0 };
    };
    for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'find', 'findOne', 'countDocuments', 'deleteOne', 'deleteMany']) {
      c[op] = rec(op);
    }
    let error = null;
    try {
      await run(M);
    } catch (err) {
      error = err.name;
    }
    out.push({ op: name, event, seen, sent, error });
  }
  return out;
}

async function main() {
  const rescue = await rescueCases();
  const order = await orderCases();
  const errs = [];
  for (const [name, [run, extra]] of Object.entries(errOps)) {
    const log = [];
    const M = errModel(log, extra);
    let error = null;
    try {
      await run(M);
    } catch (err) {
      error = errKind(err);
    }
    errs.push({ op: name, hooks: log, error });
  }
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
  fs.writeFileSync(file, JSON.stringify({ mongoose: mongoose.version, ops: out, errors: errs, order, rescue }, null, 2) + '\n');
  console.log(`wrote ${out.length} operations and ${errs.length} error cases to ${file}`);
}

module.exports = { main };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
