'use strict';

// Populate cases: populate.js seeds the collections below into the
// embedded FerretDB, runs each case through Mongoose and writes
// populate.json; TestMongoosePopulateParity (populate_parity_test.go)
// seeds the same documents, runs each case through odm and compares.
//
// Models (populate.js and populate_parity_test.go declare the same):
//   User    {name, email, age}
//   Tag     {name}
//   Comment {body, author: ref User, approved, likes}
//   Post    {title, author: ref User, editors: [ref User],
//            comments: [ref Comment], tags: [ref Tag],
//            meta: {reviewer: ref User},
//            sections: [{heading, owner: ref User}]}
//   Activity {verb, kind, target: refPath kind,
//             items: [{kind, item: refPath items.kind}]}
//
// Case: {name, model ('Post' or 'Comment'), filter (extended JSON),
// lean (the query's), populate: [spec], calls}. A populate spec is
// Mongoose's options object: {path, select, match, perDocumentLimit,
// retainNullValues, options: {sort, limit, lean}, populate: [spec]}.
// calls default to [{fn: 'toObject'}]; each is made on every document
// found (sorted by _id).

const oid = (n) => '64b7f0c2a1b2c3d4e5f6' + String(n).padStart(4, '0');
const U = (n) => oid(100 + n);
const T = (n) => oid(200 + n);
const C = (n) => oid(300 + n);
const P = (n) => oid(400 + n);
const A = (n) => oid(500 + n);
const missing = oid(999);

const seed = {
  users: [
    { _id: U(1), name: 'Ann', email: 'ann@example.com', age: 30 },
    { _id: U(2), name: 'Bob', email: 'bob@example.com', age: 25 },
    { _id: U(3), name: 'Cid', email: 'cid@example.com', age: 41 },
  ],
  tags: [
    { _id: T(1), name: 'go' },
    { _id: T(2), name: 'rust' },
  ],
  comments: [
    { _id: C(1), body: 'first', author: U(2), approved: true, likes: 3 },
    { _id: C(2), body: 'second', author: U(1), approved: false, likes: 1 },
    { _id: C(3), body: 'third', author: missing, approved: true, likes: 2 },
    { _id: C(4), body: 'fourth', author: U(3), approved: true, likes: 5 },
  ],
  posts: [
    { _id: P(1), title: 'A', author: U(1), editors: [U(2), missing, U(3)], comments: [C(1), C(2), C(3)], tags: [T(1), T(2)], meta: { reviewer: U(2) }, sections: [{ heading: 'h1', owner: U(3) }, { heading: 'h2', owner: missing }] },
    { _id: P(2), title: 'B', author: missing, editors: [], comments: [C(4), C(1)], tags: [T(2)], meta: { reviewer: missing }, sections: [] },
    { _id: P(3), title: 'C', author: U(2), editors: [U(1), U(1)], comments: [C(2), C(4), C(3)], tags: [], meta: { reviewer: U(1) }, sections: [{ heading: 'h3', owner: U(1) }] },
  ],
  activities: [
    { _id: A(1), verb: 'follow', kind: 'User', target: U(1), items: [{ kind: 'Tag', item: T(1) }, { kind: 'Comment', item: C(1) }, { kind: 'User', item: missing }] },
    { _id: A(2), verb: 'like', kind: 'Comment', target: C(3), items: [] },
    { _id: A(5), verb: 'nomodel', target: U(3), items: [] },
    { _id: A(3), verb: 'tag', kind: 'Tag', target: missing, items: [{ kind: 'User', item: U(2) }, { item: U(3) }] },
    { _id: A(4), verb: 'nokind', target: U(2), items: [{ kind: 'Comment', item: C(4) }] },
    { _id: A(6), verb: 'unknown', kind: 'Nope', target: U(1), items: [{ kind: 'Nope', item: U(1) }] },
  ],
};

const known = { _id: { $lte: A(5) } };

const virtualsJSON = { fn: 'toJSON', opts: { virtuals: true } };

const cases = [
  // single references
  { name: 'single ref', model: 'Post', populate: [{ path: 'author' }] },
  { name: 'single ref with select', model: 'Post', populate: [{ path: 'author', select: 'name' }] },
  { name: 'single ref with exclusive select', model: 'Post', populate: [{ path: 'author', select: '-email -age' }] },
  { name: 'single ref with match', model: 'Post', populate: [{ path: 'author', match: { age: { $gte: 28 } } }] },
  { name: 'single ref match cast from string', model: 'Post', populate: [{ path: 'author', match: { age: { $gte: '28' } } }] },
  { name: 'single ref lean option', model: 'Post', populate: [{ path: 'author', options: { lean: true } }], calls: [{ fn: 'toObject' }, virtualsJSON] },
  { name: 'single ref with virtuals in toJSON', model: 'Post', populate: [{ path: 'author', select: 'name' }], calls: [virtualsJSON] },
  { name: 'single ref retainNullValues', model: 'Post', populate: [{ path: 'author', retainNullValues: true }] },
  { name: 'lean query with populate', model: 'Post', lean: true, populate: [{ path: 'author', select: 'name' }, { path: 'tags' }] },

  // arrays of references
  { name: 'array of refs', model: 'Post', populate: [{ path: 'editors' }] },
  { name: 'array of refs retainNullValues', model: 'Post', populate: [{ path: 'editors', retainNullValues: true }] },
  { name: 'array of refs with select', model: 'Post', populate: [{ path: 'comments', select: 'body likes' }] },
  { name: 'array of refs with match', model: 'Post', populate: [{ path: 'comments', match: { approved: true } }] },
  { name: 'array of refs with match and retainNullValues', model: 'Post', populate: [{ path: 'comments', match: { approved: true }, retainNullValues: true }] },
  { name: 'array of refs with sort', model: 'Post', populate: [{ path: 'comments', options: { sort: { likes: -1 } } }] },
  { name: 'array of refs with sort ascending', model: 'Post', populate: [{ path: 'comments', options: { sort: 'likes' } }] },
  { name: 'array of refs with limit', model: 'Post', populate: [{ path: 'comments', options: { limit: 2 } }] },
  { name: 'array of refs with sort and limit', model: 'Post', populate: [{ path: 'comments', options: { sort: { likes: -1 }, limit: 1 } }] },
  { name: 'array of refs with perDocumentLimit', model: 'Post', populate: [{ path: 'comments', perDocumentLimit: 1 }] },
  { name: 'array of refs with sort and perDocumentLimit', model: 'Post', populate: [{ path: 'comments', options: { sort: { likes: -1 } }, perDocumentLimit: 2 }] },
  { name: 'array of refs with duplicates', model: 'Post', filter: { _id: P(3) }, populate: [{ path: 'editors' }] },
  { name: 'array of refs lean option', model: 'Post', populate: [{ path: 'tags', options: { lean: true } }], calls: [virtualsJSON] },
  { name: 'empty arrays of refs', model: 'Post', filter: { _id: P(2) }, populate: [{ path: 'editors' }, { path: 'tags' }] },

  // nested paths and arrays of subdocuments
  { name: 'nested path ref', model: 'Post', populate: [{ path: 'meta.reviewer' }] },
  { name: 'nested path ref with select', model: 'Post', populate: [{ path: 'meta.reviewer', select: 'name' }] },
  { name: 'ref in array of subdocuments', model: 'Post', populate: [{ path: 'sections.owner', select: 'name' }] },
  { name: 'ref in array of subdocuments retainNullValues', model: 'Post', populate: [{ path: 'sections.owner', select: 'name', retainNullValues: true }] },

  // several paths and levels
  { name: 'several paths', model: 'Post', populate: [{ path: 'author', select: 'name' }, { path: 'tags', select: 'name' }, { path: 'meta.reviewer', select: 'email' }] },
  { name: 'multi-level populate', model: 'Post', populate: [{ path: 'comments', populate: [{ path: 'author', select: 'name' }] }] },
  { name: 'multi-level populate with select of the parent', model: 'Post', populate: [{ path: 'comments', select: 'body', populate: [{ path: 'author', select: 'name' }] }] },
  { name: 'multi-level populate with match at the second level', model: 'Post', populate: [{ path: 'comments', populate: [{ path: 'author', match: { age: { $lt: 40 } } }] }] },
  { name: 'multi-level populate in toJSON with virtuals', model: 'Post', filter: { _id: P(1) }, populate: [{ path: 'comments', populate: [{ path: 'author', select: 'name' }] }], calls: [virtualsJSON] },

  // combinations
  { name: 'array of refs with match and perDocumentLimit', model: 'Post', populate: [{ path: 'comments', match: { approved: true }, perDocumentLimit: 1 }] },
  { name: 'array of refs with sort and retainNullValues', model: 'Post', populate: [{ path: 'editors', options: { sort: { age: 1 } }, retainNullValues: true }] },
  { name: 'array of refs with exclusive select', model: 'Post', populate: [{ path: 'comments', select: '-body -likes' }] },
  { name: 'multi-level populate lean at the second level', model: 'Post', filter: { _id: P(1) }, populate: [{ path: 'comments', populate: [{ path: 'author', select: 'name', options: { lean: true } }] }], calls: [virtualsJSON] },
  { name: 'single ref selecting without _id', model: 'Comment', populate: [{ path: 'author', select: 'name -_id' }] },

  { name: 'array of refs with select and match', model: 'Post', populate: [{ path: 'comments', select: 'body', match: { likes: { $gt: 1 } } }] },
  { name: 'array of refs with limit and retainNullValues', model: 'Post', populate: [{ path: 'editors', options: { limit: 1 }, retainNullValues: true }] },
  { name: 'nested path ref with match', model: 'Post', populate: [{ path: 'meta.reviewer', match: { name: 'Bob' } }] },
  { name: 'ref in array of subdocuments with match', model: 'Post', populate: [{ path: 'sections.owner', match: { age: { $gt: 35 } } }] },
  { name: 'multi-level populate with perDocumentLimit at the first level', model: 'Post', populate: [{ path: 'comments', perDocumentLimit: 1, populate: [{ path: 'author', select: 'name' }] }] },
  { name: 'populated documents in toObject with virtuals', model: 'Post', filter: { _id: P(1) }, populate: [{ path: 'author', select: 'name' }, { path: 'tags' }], calls: [{ fn: 'toObject', opts: { virtuals: true } }] },
  { name: 'sort on a single ref', model: 'Post', populate: [{ path: 'author', select: 'name', options: { sort: { name: -1 } } }] },
  { name: 'match on _id with $in', model: 'Post', populate: [{ path: 'editors', match: { _id: { $in: [U(1), U(3)] } }, select: 'name' }] },

  // from the other side
  { name: 'comment author', model: 'Comment', populate: [{ path: 'author', select: 'name age' }] },
  { name: 'comment author with match on name', model: 'Comment', populate: [{ path: 'author', match: { name: { $in: ['Ann', 'Cid'] } } }] },
  // depopulate: populated references back to their ids
  { name: 'depopulate in toObject and toJSON', model: 'Post', populate: [{ path: 'author' }, { path: 'editors' }, { path: 'sections.owner' }, { path: 'meta.reviewer' }],
    calls: [{ fn: 'toObject', opts: { depopulate: true } }, { fn: 'toJSON', opts: { depopulate: true, virtuals: true } }, { fn: 'toObject', opts: { depopulate: false } }] },
  { name: 'depopulate with nested populate', model: 'Post', populate: [{ path: 'comments', populate: [{ path: 'author' }] }],
    calls: [{ fn: 'toObject', opts: { depopulate: true } }] },

  // refPath: the model is named by a sibling path (Activity.kind), or by
  // a path of the same array element (items.kind)
  { name: 'refPath single', model: 'Activity', filter: known, populate: [{ path: 'target' }] },
  { name: 'refPath single with select', model: 'Activity', filter: known, populate: [{ path: 'target', select: 'name' }] },
  { name: 'refPath single with match', model: 'Activity', filter: known, populate: [{ path: 'target', match: { name: { $in: ['Ann', 'go'] } } }] },
  { name: 'refPath single retainNullValues', model: 'Activity', filter: known, populate: [{ path: 'target', retainNullValues: true }] },
  { name: 'refPath in array of subdocuments', model: 'Activity', filter: known, populate: [{ path: 'items.item' }] },
  { name: 'refPath in array of subdocuments with select', model: 'Activity', filter: known, populate: [{ path: 'items.item', select: 'name body' }] },
  { name: 'refPath in array of subdocuments with match', model: 'Activity', filter: known, populate: [{ path: 'items.item', match: { body: 'first' } }] },
  { name: 'refPath with nested populate', model: 'Activity', filter: known, populate: [{ path: 'items.item', populate: [{ path: 'author', select: 'name', strictPopulate: false }] }] },
  { name: 'refPath with nested populate under strictPopulate', model: 'Activity', filter: known, populate: [{ path: 'items.item', populate: [{ path: 'author', select: 'name' }] }] },
  { name: 'refPath lean query', model: 'Activity', filter: known, lean: true, populate: [{ path: 'target', select: 'name' }, { path: 'items.item', select: 'name' }] },
  { name: 'refPath depopulate', model: 'Activity', filter: known, populate: [{ path: 'target' }, { path: 'items.item' }], calls: [{ fn: 'toObject', opts: { depopulate: true } }, virtualsJSON] },
  { name: 'refPath in array of subdocuments with sort', model: 'Activity', filter: known, populate: [{ path: 'items.item', options: { sort: { name: -1, body: -1 } } }] },
  { name: 'refPath in array of subdocuments with perDocumentLimit', model: 'Activity', filter: known, populate: [{ path: 'items.item', perDocumentLimit: 1 }] },
  { name: 'refPath in array of subdocuments with sort and perDocumentLimit', model: 'Activity', filter: known, populate: [{ path: 'items.item', options: { sort: { _id: -1 } }, perDocumentLimit: 1 }] },
  { name: 'refPath single with sort and perDocumentLimit', model: 'Activity', filter: known, populate: [{ path: 'target', options: { sort: { name: -1 } }, perDocumentLimit: 1 }] },
  { name: 'ref in array of subdocuments with sort', model: 'Post', populate: [{ path: 'sections.owner', options: { sort: { name: 1 } } }] },
  { name: 'refPath naming an unknown model', model: 'Activity', filter: { _id: A(6) }, populate: [{ path: 'target' }] },
  { name: 'refPath naming an unknown model in an array', model: 'Activity', filter: { _id: A(6) }, populate: [{ path: 'items.item' }] },
];

module.exports = { seed, cases, oid };
