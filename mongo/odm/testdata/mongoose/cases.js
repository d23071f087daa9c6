'use strict';

// The parity cases: a schema in a small JSON notation both generate.js
// (Mongoose) and parity_test.go (odm) understand, and an input document.
//
// Path spec: {type, ...options}
//   type: String | Number | Boolean | Date | ObjectId | Decimal128 | Mixed
//         | Int32 | Double | BigInt | UUID
//         | Subdoc (schema: {...}) | Array (of: spec) | Map (of: spec)
//   required: true | "message"
//   min, max, minlength, maxlength: value | {value, message}; dates as {$date: iso}
//   enum: [values] | {values, message}
//   match: "regexp" | {value: "regexp", message}
//   validate: {fn: name in validators.js, message}
//   default: value ({$date: iso} for dates)
//   trim, lowercase, uppercase: true
//   alias: another input name
// Case: {name, schema: {path: spec}, strict: true | false | "throw", input}
// or, for update validators, {name, schema, update} instead of input,
// or, for query casting, {name, schema, filter}.

const product = {
  name: { type: 'String', required: 'Product name is required', trim: true, maxlength: { value: 100, message: 'Name cannot exceed 100 characters' } },
  price: { type: 'Number', required: true, min: { value: 0, message: 'Price cannot be negative' }, validate: { fn: 'twoDecimals', message: 'Price must have at most two decimal places' } },
  category: { type: 'String', enum: { values: ['electronics', 'clothing', 'books'], message: '{VALUE} is not a valid category' } },
};

const user = {
  username: { type: 'String', required: true, trim: true, lowercase: true },
  email: { type: 'String', required: 'Email is required', match: '^[^@]+@[^@]+$' },
  age: { type: 'Number', min: 18, max: 100 },
  status: { type: 'String', enum: ['active', 'inactive', 'suspended'], default: 'active' },
  address: {
    type: 'Subdoc',
    schema: {
      street: { type: 'String' },
      city: { type: 'String', required: true },
      zip: { type: 'String', match: { value: '^[0-9]{5}$', message: '{PATH} must be 5 digits, got {VALUE}' } },
    },
  },
};

const item = {
  sku: { type: 'String', required: true, uppercase: true },
  qty: { type: 'Number', min: 1 },
};

const order = {
  customer: { type: 'ObjectId', required: true },
  items: { type: 'Array', of: { type: 'Subdoc', schema: item } },
  nums: { type: 'Array', of: { type: 'Number' } },
  placedAt: { type: 'Date', min: { $date: '2000-01-01T00:00:00.000Z' }, max: { $date: '2100-01-01T00:00:00.000Z' } },
  paid: { type: 'Boolean', default: false },
  note: { type: 'String', minlength: 3 },
  total: { type: 'Decimal128' },
  meta: { type: 'Map', of: { type: 'Number' } },
};

const tagged = {
  at: { type: 'Date', required: 'when is required' },
  tags: { type: 'Array', of: { type: 'String', enum: ['go', 'rust'] } },
  code: { type: 'String', validate: { fn: 'codePrefix', message: '{VALUE} is not a code for {PATH}' } },
  level: { type: 'Number', max: { value: 10, message: '{PATH} {VALUE} above {MAX}' } },
  even: { type: 'Number', validate: { fn: 'even' } },
  from: { type: 'Date', min: { value: { $date: '2020-01-01T00:00:00.000Z' }, message: '{PATH} must be after {MIN}, got {VALUE}' } },
};

const profile = {
  name: { type: 'String', required: 'Name is required', trim: true, maxlength: 5 },
  age: { type: 'Number', min: 18, max: 100 },
  status: { type: 'String', enum: ['a', 'b'] },
  tags: { type: 'Array', of: { type: 'String', enum: ['go', 'rust'] } },
  nums: { type: 'Array', of: { type: 'Number' } },
  address: { type: 'Subdoc', schema: { city: { type: 'String', required: true }, zip: { type: 'String', match: '^[0-9]{5}$' } } },
  items: { type: 'Array', of: { type: 'Subdoc', schema: item } },
  at: { type: 'Date', min: { $date: '2000-01-01T00:00:00.000Z' } },
};

const shipment = {
  tags: { type: 'Array', of: { type: 'String', trim: true, lowercase: true, enum: ['fragile', 'cold'] } },
  kind: { type: 'String', trim: true, enum: ['box', 'crate'] },
  ref: { type: 'String', minlength: 3 },
  code: { type: 'String', validate: { fn: 'codePrefix', message: '{PATH} must start with C-' } },
};

const oid = '64b7f0c2a1b2c3d4e5f60718';
const long = 'x'.repeat(101);

const cases = [
  // required
  { name: 'required default and custom message', schema: product, input: {} },
  { name: 'required blank string after trim', schema: product, input: { name: '   ', price: -1 } },
  { name: 'required empty string', schema: user, input: { username: '', email: '' } },
  { name: 'required null', schema: user, input: { username: null, email: 'a@b' } },
  { name: 'required custom message on date', schema: tagged, input: { tags: [] } },

  // min / max
  { name: 'min custom message', schema: product, input: { name: 'x', price: -0.5 } },
  { name: 'min default message from string', schema: user, input: { username: 'ann', email: 'a@b', age: '17' } },
  { name: 'max default message', schema: user, input: { username: 'ann', email: 'a@b', age: 101 } },
  { name: 'max templated message', schema: tagged, input: { at: '2024-05-01T10:00:00Z', level: 11 } },
  { name: 'boolean casts to number', schema: user, input: { username: 'ann', email: 'a@b', age: true } },
  { name: 'min date default message', schema: order, input: { customer: oid, placedAt: '1999-12-31' } },
  { name: 'max date default message', schema: order, input: { customer: oid, placedAt: '2100-01-02T00:00:00Z' } },
  { name: 'min date templated message', schema: tagged, input: { at: '2024-05-01T10:00:00Z', from: '2019-06-01T12:30:00Z' } },

  // minlength / maxlength
  { name: 'maxlength custom message', schema: product, input: { name: long, price: 1 } },
  { name: 'minlength default message', schema: order, input: { customer: oid, note: 'ab' } },

  // enum
  { name: 'enum templated message', schema: product, input: { name: 'x', price: 5, category: 'toys' } },
  { name: 'enum default message', schema: user, input: { username: 'ann', email: 'a@b', status: 'gone' } },
  { name: 'enum on array elements', schema: tagged, input: { at: 1.7e12, tags: ['go', 'rust', 'cobol'] } },

  // match
  { name: 'match default message', schema: user, input: { username: 'ann', email: 'bad' } },
  { name: 'match in subdocument with template', schema: user, input: { username: 'ann', email: 'a@b', address: { city: 'Paris', zip: '7500' } } },

  // custom validators
  { name: 'custom validator message', schema: product, input: { name: 'x', price: 10.005 } },
  { name: 'custom validator templates', schema: tagged, input: { at: '2024-05-01T10:00:00Z', code: 'abc' } },
  { name: 'custom validator default message', schema: tagged, input: { at: '2024-05-01T10:00:00Z', even: 3 } },

  // cast errors
  { name: 'cast string into Number', schema: product, input: { name: 'x', price: 'abc' } },
  { name: 'cast bad ObjectId and Date', schema: order, input: { customer: 'nope', placedAt: 'yesterday' } },
  { name: 'cast bad Boolean', schema: order, input: { customer: oid, paid: 'maybe' } },
  { name: 'cast object into String', schema: user, input: { username: { first: 'ann' }, email: 'a@b' } },
  { name: 'cast array into Number', schema: user, input: { username: 'ann', email: 'a@b', age: [1, 2] } },
  { name: 'cast subdocument from string', schema: user, input: { username: 'ann', email: 'a@b', address: 'Main St' } },
  { name: 'cast map value', schema: order, input: { customer: oid, meta: { a: 'x', b: '2' } } },
  { name: 'cast bad Decimal128', schema: order, input: { customer: oid, total: 'twelve' } },

  // nested subdocuments and arrays
  { name: 'nested required in subdocument', schema: user, input: { username: 'ann', email: 'a@b', address: { street: 'Main' } } },
  { name: 'array of subdocuments', schema: order, input: { customer: oid, items: [{ sku: 'a', qty: 1 }, { qty: 0 }] } },
  { name: 'array of primitives with a bad element', schema: order, input: { customer: oid, nums: [1, 'x', 3] } },
  { name: 'array of subdocuments with a bad element', schema: order, input: { customer: oid, items: [{ sku: 'a', qty: 'many' }] } },
  { name: 'array of subdocuments from a non-object', schema: order, input: { customer: oid, items: ['abc'] } },

  // casting results
  { name: 'cast values', schema: order, input: { customer: oid, items: [{ sku: 'ab-1', qty: '2' }], nums: ['1', 2.5, true], paid: 'yes', placedAt: '2024-05-01T10:00:00Z', total: '12.34', meta: { a: '3' } } },
  { name: 'cast single value into array', schema: order, input: { customer: oid, items: { sku: 'x', qty: 1 }, nums: '7' } },
  { name: 'cast booleans', schema: order, input: { customer: oid, paid: 'no' } },
  { name: 'cast boolean from number', schema: order, input: { customer: oid, paid: 1 } },
  { name: 'cast date from epoch millis', schema: order, input: { customer: oid, placedAt: 1714557600000 } },
  { name: 'cast empty string to null number', schema: user, input: { username: 'ann', email: 'a@b', age: '' } },
  { name: 'cast number to string', schema: user, input: { username: 42, email: 'a@b' } },
  { name: 'trim lowercase uppercase', schema: { a: { type: 'String', trim: true }, b: { type: 'String', lowercase: true }, c: { type: 'String', uppercase: true, trim: true } }, input: { a: '  x  ', b: 'MiXeD', c: ' abc ' } },
  { name: 'trim before validators', schema: product, input: { name: '  Book  ', price: '12.50', category: 'books' } },

  // defaults
  { name: 'defaults applied', schema: user, input: { username: 'Ann', email: 'a@b' } },
  { name: 'defaults not applied over values', schema: user, input: { username: 'Ann', email: 'a@b', status: 'inactive' } },
  { name: 'default enum value validated', schema: { kind: { type: 'String', enum: ['a', 'b'], default: 'c' } }, input: {} },

  // strict
  { name: 'strict drops unknown fields', schema: product, input: { name: 'x', price: 1, color: 'red' } },
  { name: 'strict drops unknown nested fields', schema: user, input: { username: 'ann', email: 'a@b', address: { city: 'Paris', planet: 'Earth' } } },
  { name: 'strict false keeps unknown fields', schema: product, strict: false, input: { name: 'x', price: 1, color: 'red' } },
  { name: 'strict throw rejects unknown fields', schema: product, strict: 'throw', input: { name: 'x', price: 1, color: 'red' } },

  // more casting rules
  { name: 'cast numbers from strings', schema: { a: { type: 'Number' }, b: { type: 'Number' }, c: { type: 'Number' } }, input: { a: '0x10', b: ' 12 ', c: '1e3' } },
  { name: 'cast object into Number', schema: { n: { type: 'Number' } }, input: { n: {} } },
  { name: 'cast string with quotes into Number', schema: { a: { type: 'Number' }, b: { type: 'Number' }, c: { type: 'Number' } }, input: { a: "it's", b: 'say "hi"', c: 'a\nb' } },
  { name: 'cast boolean into Date', schema: { d: { type: 'Date' } }, input: { d: true } },
  { name: 'cast fractional millis into Date', schema: { d: { type: 'Date' } }, input: { d: 12.5 } },
  { name: 'cast impossible month into Date', schema: { d: { type: 'Date' } }, input: { d: '2024-13-01' } },
  { name: 'cast date without seconds', schema: { d: { type: 'Date' } }, input: { d: '2024-05-01T10:00Z' } },
  { name: 'cast empty string into Date', schema: { d: { type: 'Date' } }, input: { d: '' } },
  { name: 'cast number into ObjectId', schema: { id: { type: 'ObjectId' } }, input: { id: 123 } },
  { name: 'cast short hex into ObjectId', schema: { id: { type: 'ObjectId' } }, input: { id: '64b7f0c2a1b2c3d4e5f6071' } },
  { name: 'cast populated document into ObjectId', schema: { id: { type: 'ObjectId' } }, input: { id: { _id: oid } } },
  { name: 'cast uppercase TRUE into Boolean', schema: { b: { type: 'Boolean' } }, input: { b: 'TRUE' } },
  { name: 'cast 2 into Boolean', schema: { b: { type: 'Boolean' } }, input: { b: 2 } },
  { name: 'cast empty string into Boolean', schema: { b: { type: 'Boolean' } }, input: { b: '' } },
  { name: 'cast array into String', schema: { s: { type: 'String' } }, input: { s: ['a'] } },
  { name: 'cast boolean and float into String', schema: { s: { type: 'String' }, t: { type: 'String' } }, input: { s: true, t: 1.5 } },
  { name: 'cast boolean into Decimal128', schema: { d: { type: 'Decimal128' } }, input: { d: true } },
  { name: 'cast float into Decimal128', schema: { d: { type: 'Decimal128' } }, input: { d: 0.1 } },
  { name: 'cast array into map value', schema: order, input: { customer: oid, meta: { a: [1] } } },
  { name: 'array of subdocuments with a bad element and a primitive', schema: order, input: { customer: oid, items: [{ sku: 'a', qty: 'x' }, 5] } },
  { name: 'bad element of a Date array', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, input: { ds: ['2024-01-01', 'x'] } },
  { name: 'bad element of a String array', schema: { ss: { type: 'Array', of: { type: 'String' } } }, input: { ss: ['a', { b: 1 }] } },
  { name: 'bad element of an ObjectId array', schema: { ids: { type: 'Array', of: { type: 'ObjectId' } } }, input: { ids: [oid, 'zz'] } },
  { name: 'bad value in subdocument', schema: user, input: { username: 'ann', email: 'a@b', address: { city: 3, zip: ['1'] } } },

  // validators in combination
  { name: 'first failing validator of a path wins', schema: product, input: { name: 'x', price: -0.005 } },
  { name: 'required zero and false pass', schema: { n: { type: 'Number', required: true }, b: { type: 'Boolean', required: true } }, input: { n: 0, b: false } },
  { name: 'required array', schema: { tags: { type: 'Array', of: { type: 'String' }, required: true } }, input: { tags: [] } },
  { name: 'required subdocument missing', schema: { address: { type: 'Subdoc', required: true, schema: { city: { type: 'String' } } } }, input: {} },
  { name: 'match skips empty string', schema: { s: { type: 'String', match: '^a+$' } }, input: { s: '' } },
  { name: 'trim before minlength', schema: { s: { type: 'String', trim: true, minlength: 3 } }, input: { s: '  ab  ' } },
  { name: 'lowercase before enum', schema: { s: { type: 'String', lowercase: true, enum: ['active'] } }, input: { s: 'ACTIVE' } },
  { name: 'uppercase before match', schema: { s: { type: 'String', uppercase: true, match: '^[A-Z]+$' } }, input: { s: 'abc' } },
  { name: 'numeric enum', schema: { n: { type: 'Number', enum: [1, 2, 3] } }, input: { n: '4' } },
  { name: 'numeric enum from string passes', schema: { n: { type: 'Number', enum: [1, 2, 3] } }, input: { n: '2' } },
  { name: 'templates for lengths', schema: { s: { type: 'String', minlength: { value: 3, message: '{PATH} needs {MINLENGTH}, has {LENGTH}' }, maxlength: { value: 5, message: '{PATH} allows {MAXLENGTH}, has {LENGTH}' } }, t: { type: 'String', maxlength: { value: 2, message: '{PATH} allows {MAXLENGTH}, has {LENGTH}: {VALUE}' } } }, input: { s: 'ab', t: 'abc' } },
  { name: 'templates for numbers', schema: { n: { type: 'Number', min: { value: 1.5, message: '{PATH}={VALUE} < {MIN}' } } }, input: { n: 0.25 } },
  { name: 'length counts UTF-16 units', schema: { s: { type: 'String', maxlength: 2 } }, input: { s: 'a😀' } },
  { name: 'custom validator on array element', schema: { ns: { type: 'Array', of: { type: 'Number', validate: { fn: 'even', message: '{PATH} is odd: {VALUE}' } } } }, input: { ns: [2, 3] } },
  { name: 'custom validator on subdocument path', schema: { s: { type: 'Subdoc', schema: { code: { type: 'String', validate: { fn: 'codePrefix' } } } } }, input: { s: { code: 'x' } } },

  // defaults and nulls
  { name: 'explicit null keeps default away', schema: user, input: { username: 'ann', email: 'a@b', status: null } },
  { name: 'defaults inside subdocuments', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String', default: 'x' }, n: { type: 'Number' } } } }, input: { s: { n: 1 } } },
  { name: 'defaults inside array subdocuments', schema: { a: { type: 'Array', of: { type: 'Subdoc', schema: { k: { type: 'String', default: 'x' } } } } }, input: { a: [{}, { k: 'y' }] } },
  { name: 'date and number defaults', schema: { d: { type: 'Date', default: { $date: '2024-01-01T00:00:00.000Z' } }, n: { type: 'Number', default: 5 } }, input: {} },
  { name: 'strict throw on unknown field of an array subdocument', schema: order, strict: 'throw', input: { customer: oid, items: [{ sku: 'a', qty: 1 }, { color: 'red', sku: 'b' }] } },
  { name: 'strict drops unknown field of an array subdocument', schema: order, input: { customer: oid, items: [{ sku: 'a', qty: 1, color: 'red' }] } },
  { name: 'strict throw on nested unknown field', schema: user, strict: 'throw', input: { username: 'ann', email: 'a@b', address: { city: 'Paris', planet: 'Earth' } } },

  // more edges
  { name: 'required date from empty string', schema: tagged, input: { at: '' } },
  { name: 'required string of spaces without trim', schema: { s: { type: 'String', required: true } }, input: { s: '   ' } },
  { name: 'required boolean from string false', schema: { b: { type: 'Boolean', required: true } }, input: { b: 'false' } },
  { name: 'number from blank string', schema: { n: { type: 'Number' } }, input: { n: '  ' } },
  { name: 'null array and subdocument', schema: order, input: { customer: oid, items: null, nums: null } },
  { name: 'map of subdocuments', schema: { m: { type: 'Map', of: { type: 'Subdoc', schema: { f: { type: 'String', required: true }, n: { type: 'Number', min: 0 } } } } }, input: { m: { a: { f: 'x', n: -1 }, b: { n: 1 } } } },
  { name: 'mixed keeps anything', schema: { x: { type: 'Mixed' } }, input: { x: { a: [1, 'b', { c: true }] } } },
  { name: 'enum on numbers with template', schema: { n: { type: 'Number', enum: { values: [1, 2], message: '{VALUE} is not allowed for {PATH}' } } }, input: { n: 3 } },
  { name: 'a path appearing twice in a template', schema: { s: { type: 'String', enum: { values: ['a'], message: '{PATH}: {VALUE} ({VALUE})' } } }, input: { s: 'b' } },
  { name: 'free-form date string', schema: { d: { type: 'Date' } }, input: { d: 'May 1, 2024' } },

  { name: 'alias sets the path', schema: { a: { type: 'String', alias: 'nick', required: true } }, input: { nick: 'x' } },

  { name: 'enum on array elements inside array subdocuments', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { tags: { type: 'Array', of: { type: 'String', enum: ['go'] } }, nums: { type: 'Array', of: { type: 'Number' } } } } } }, input: { items: [{ tags: ['go', 'x'] }, { nums: [1, 'y'] }] } },
  { name: 'map values inside subdocuments', schema: { s: { type: 'Subdoc', schema: { m: { type: 'Map', of: { type: 'Number', min: 0 } } } } }, input: { s: { m: { a: -1, b: 'z' } } } },

  { name: 'numbers in messages as JavaScript prints them', schema: { a: { type: 'Number', min: 1 }, b: { type: 'Number', max: 1 }, c: { type: 'Number', max: -1 }, d: { type: 'Number', min: 0.5 } }, input: { a: 1e-7, b: 1.5e22, c: -0, d: 0.1 } },
  { name: 'numbers cast into strings as JavaScript prints them', schema: { a: { type: 'String' }, b: { type: 'String' }, c: { type: 'String' } }, input: { a: 1e-7, b: 1.5e22, c: 123456789012 } },

  // casting sweep: numbers, booleans, dates, ObjectIds
  { name: 'cast signed and fractional strings into Number', schema: { a: { type: 'Number' }, b: { type: 'Number' }, c: { type: 'Number' }, d: { type: 'Number' }, e: { type: 'Number' } }, input: { a: '+5', b: '-0', c: '.5', d: '5.', e: '-1.25e-2' } },
  { name: 'cast Infinity and binary strings into Number', schema: { a: { type: 'Number' }, b: { type: 'Number' }, c: { type: 'Number' } }, input: { a: 'Infinity', b: '0b101', c: '1_000' } },
  { name: 'cast false and null into Number', schema: { a: { type: 'Number' }, b: { type: 'Number' } }, input: { a: false, b: null } },
  { name: 'cast yes no and digits into Boolean', schema: { a: { type: 'Boolean' }, b: { type: 'Boolean' }, c: { type: 'Boolean' }, d: { type: 'Boolean' } }, input: { a: 'yes', b: 'no', c: '0', d: '1' } },
  { name: 'cast on into Boolean', schema: { b: { type: 'Boolean' } }, input: { b: 'on' } },
  { name: 'cast capitalised Yes into Boolean', schema: { b: { type: 'Boolean' } }, input: { b: 'Yes' } },
  { name: 'cast date-only and offset strings into Date', schema: { a: { type: 'Date' }, b: { type: 'Date' }, c: { type: 'Date' } }, input: { a: '2024-05-01', b: '2024-05-01T10:00:00+02:00', c: '2024-05-01T10:00:00.123456Z' } },
  { name: 'cast digit string into Date', schema: { d: { type: 'Date' } }, input: { d: '1714557600000' } },
  { name: 'cast negative epoch into Date', schema: { d: { type: 'Date' } }, input: { d: -86400000 } },
  { name: 'cast uppercase hex into ObjectId', schema: { id: { type: 'ObjectId' } }, input: { id: '64B7F0C2A1B2C3D4E5F60718' } },
  { name: 'cast 12-character string into ObjectId', schema: { id: { type: 'ObjectId' } }, input: { id: 'abcdefghijkl' } },
  { name: 'cast non-hex 24 characters into ObjectId', schema: { id: { type: 'ObjectId' } }, input: { id: '64b7f0c2a1b2c3d4e5f6071z' } },
  { name: 'cast object with a hex _id array into ObjectIds', schema: { ids: { type: 'Array', of: { type: 'ObjectId' } } }, input: { ids: [{ _id: oid }, oid] } },
  { name: 'cast array subdocuments from mixed input', schema: order, input: { customer: oid, items: [{ sku: 'a', qty: '1' }, null, { sku: 'b' }] } },
  { name: 'cast nested array of numbers from strings', schema: { grid: { type: 'Array', of: { type: 'Array', of: { type: 'Number' } } } }, input: { grid: [['1', 2], '3'] } },
  { name: 'cast string with surrounding spaces into Boolean', schema: { b: { type: 'Boolean' } }, input: { b: ' true ' } },

  // update validators: Model.updateOne({}, update, {runValidators: true}),
  // cast (Query#_castUpdate) and validated (Query#validate) without a server
  { name: 'update $set validators', schema: profile, update: { $set: { age: 10, status: 'x', name: 'toolongname' } } },
  { name: 'update plain document is $set', schema: profile, update: { age: '17' } },
  { name: 'update cast error', schema: profile, update: { $set: { age: 'abc' } } },
  { name: 'update $unset of a required path', schema: profile, update: { $unset: { name: 1 } } },
  { name: 'update $set of a required path to empty string', schema: profile, update: { $set: { name: '' } } },
  { name: 'update $set of a required path to null', schema: profile, update: { $set: { name: null } } },
  { name: 'update $inc cast error', schema: profile, update: { $inc: { age: 'x' } } },
  // immutable paths in updates: dropped with the other changes kept, or the whole update refused
  // under strict 'throw'; an update of nothing but immutable paths becomes empty
  { name: 'update of an immutable path is dropped, the rest kept', schema: { owner: { type: 'String', immutable: true }, balance: { type: 'Number', min: 0 } }, update: { $set: { owner: 'eve', balance: '5' } } },
  { name: 'update of only an immutable path', schema: { owner: { type: 'String', immutable: true }, balance: { type: 'Number' } }, update: { $set: { owner: 'eve' } } },
  { name: 'update of an immutable path as a plain document', schema: { owner: { type: 'String', immutable: true }, balance: { type: 'Number' } }, update: { owner: 'eve', balance: 7 } },
  { name: 'update of an immutable path under strict throw', schema: { owner: { type: 'String', immutable: true }, balance: { type: 'Number' } }, strict: 'throw', update: { $set: { owner: 'eve', balance: 1 } } },
  { name: 'update $unset of an immutable path', schema: { owner: { type: 'String', immutable: true }, balance: { type: 'Number' } }, update: { $unset: { owner: 1 }, $set: { balance: 2 } } },
  { name: 'immutable path set on a new document', schema: { owner: { type: 'String', immutable: true, required: true } }, input: { owner: 'ann' } },
  { name: 'update $inc passes', schema: profile, update: { $inc: { age: -500 } } },
  { name: 'update $push enum element', schema: profile, update: { $push: { tags: 'cobol' } } },
  { name: 'update $push $each enum element', schema: profile, update: { $push: { tags: { $each: ['go', 'cobol'] } } } },
  { name: 'update $addToSet cast error', schema: profile, update: { $addToSet: { nums: 'x' } } },
  { name: 'update dotted subdocument path', schema: profile, update: { $set: { 'address.zip': '12' } } },
  { name: 'update whole subdocument', schema: profile, update: { $set: { address: { zip: '12345' } } } },
  { name: 'update array subdocument path', schema: profile, update: { $set: { 'items.0.qty': 0 } } },
  { name: 'update $push subdocument', schema: profile, update: { $push: { items: { qty: 0 } } } },
  { name: 'update date min', schema: profile, update: { $set: { at: '1999-01-01' } } },
  { name: 'update unknown path dropped', schema: profile, update: { $set: { unknown: 1, age: 20 } } },
  { name: 'update whole array with bad element', schema: profile, update: { $set: { tags: ['go', 'x'] } } },
  { name: 'update array element by index', schema: profile, update: { $set: { 'tags.1': 'x' } } },
  { name: 'update trims and casts', schema: profile, update: { $set: { name: '  ann ', at: '2024-05-01T10:00:00Z', nums: ['1', 2] } } },

  { name: 'update $set whole array of subdocuments', schema: profile, update: { $set: { items: [{ sku: 'a', qty: 0 }, { qty: 2 }] } } },
  { name: 'update positional subdocument path', schema: profile, update: { $set: { 'items.$.qty': 0 } } },
  { name: 'update $unset of an optional path', schema: profile, update: { $unset: { age: 1 } } },
  { name: 'update single value into array', schema: profile, update: { $set: { nums: '5' } } },
  { name: 'update subdocument from a string', schema: profile, update: { $set: { address: 'x' } } },
  { name: 'update map value', schema: order, update: { $set: { 'meta.a': 'x' } } },
  { name: 'update map value passes', schema: order, update: { $set: { 'meta.a': '4' } } },
  { name: 'update strict throw on unknown path', schema: profile, strict: 'throw', update: { $set: { unknown: 1 } } },
  { name: 'update $inc and $mul on Decimal128', schema: { d: { type: 'Decimal128' }, e: { type: 'Decimal128' } }, update: { $inc: { d: '0.20' }, $mul: { e: 2 } } },
  { name: 'update $inc Decimal128 cast error', schema: { d: { type: 'Decimal128' } }, update: { $inc: { d: 'x' } } },
  { name: 'update $max and $min cast', schema: profile, update: { $max: { age: '30' }, $min: { at: '2024-01-01' } } },

  // empty strings are values: enum, minlength and custom validators run (match does not)
  { name: 'empty string fails enum', schema: { s: { type: 'String', enum: ['a', 'b'] } }, input: { s: '' } },
  { name: 'empty string fails minlength', schema: { s: { type: 'String', minlength: 3 } }, input: { s: '' } },
  { name: 'empty string fails custom validator', schema: { s: { type: 'String', validate: { fn: 'codePrefix' } } }, input: { s: '' } },
  { name: 'spaces trimmed to empty fail enum and minlength', schema: { s: { type: 'String', trim: true, enum: ['a'] }, t: { type: 'String', trim: true, minlength: 2 } }, input: { s: '   ', t: ' ' } },
  { name: 'empty string passes maxlength and match', schema: { s: { type: 'String', maxlength: 2, match: '^a$' } }, input: { s: '' } },
  { name: 'empty string element fails enum', schema: { ss: { type: 'Array', of: { type: 'String', enum: ['a'] } } }, input: { ss: ['a', ''] } },
  { name: 'empty string map value fails minlength', schema: { m: { type: 'Map', of: { type: 'String', minlength: 1 } } }, input: { m: { k: '' } } },
  { name: 'empty string in subdocument fails enum', schema: { sub: { type: 'Subdoc', schema: { s: { type: 'String', enum: ['a'] } } } }, input: { sub: { s: '' } } },
  { name: 'empty strings in the shipment schema', schema: shipment, input: { tags: ['fragile'], kind: '', ref: '', code: '' } },

  // custom validators run on an explicit null (not on a missing path); built-ins let null pass
  { name: 'custom validator on explicit null', schema: { s: { type: 'String', validate: { fn: 'codePrefix', message: 'null is not a code' } } }, input: { s: null } },
  { name: 'custom validator on explicit null that passes', schema: { n: { type: 'Number', validate: { fn: 'even' } } }, input: { n: null } },
  { name: 'custom validator skips a missing path', schema: { s: { type: 'String', validate: { fn: 'codePrefix' } } }, input: {} },
  { name: 'null passes enum minlength min and match', schema: { s: { type: 'String', enum: ['a'], minlength: 2, match: '^a$' }, n: { type: 'Number', min: 1, enum: [1] } }, input: { s: null, n: null } },
  { name: 'required null with a custom validator', schema: { s: { type: 'String', required: true, validate: { fn: 'codePrefix' } } }, input: { s: null } },
  { name: 'custom validator on null in subdocument and array', schema: { sub: { type: 'Subdoc', schema: { c: { type: 'String', validate: { fn: 'codePrefix' } } } }, cs: { type: 'Array', of: { type: 'String', validate: { fn: 'codePrefix' } } } }, input: { sub: { c: null }, cs: ['C-1', null] } },
  { name: 'custom validator on null in the shipment schema', schema: shipment, input: { code: null } },

  // epoch milliseconds beyond JavaScript's Date range are cast errors
  { name: 'epoch millis beyond the Date range', schema: { d: { type: 'Date' }, e: { type: 'Date' } }, input: { d: 1e20, e: -8640000000000001 } },
  { name: 'epoch millis at the Date range limits', schema: { d: { type: 'Date' }, e: { type: 'Date' } }, input: { d: 8640000000000000, e: -8640000000000000 } },
  { name: 'epoch millis string beyond the Date range', schema: { d: { type: 'Date' } }, input: { d: '1e20' } },
  { name: 'epoch millis beyond the Date range in an array', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, input: { ds: [0, 9e15] } },

  // trim and lowercase apply to each array element before enum
  { name: 'trim and lowercase on array elements before enum', schema: shipment, input: { tags: [' Fragile ', 'COLD'], kind: ' box ' } },
  { name: 'array element still outside enum after trim', schema: shipment, input: { tags: [' Hot '] } },

  // an alias and its path in one input: the alias wins in either order
  { name: 'alias then path: the alias wins', schema: { a: { type: 'String', alias: 'nick' } }, input: { nick: 'x', a: 'y' } },
  { name: 'path then alias: the alias wins', schema: { a: { type: 'String', alias: 'nick' } }, input: { a: 'y', nick: 'x' } },

  // smaller casting details
  { name: 'map keys with a dot or a dollar', schema: { m: { type: 'Map', of: { type: 'Number' } } }, input: { m: { 'a.b': 1 } } },
  { name: 'map key starting with a dollar', schema: { m: { type: 'Map', of: { type: 'Number' } } }, input: { m: { $x: 1 } } },
  { name: 'cast string into Map', schema: { m: { type: 'Map', of: { type: 'Number' } } }, input: { m: 'x' } },
  { name: 'number overflowing to Infinity', schema: { n: { type: 'Number' }, m: { type: 'Number' } }, input: { n: '1e400', m: '-1e400' } },
  { name: 'JavaScript case mapping', schema: { u: { type: 'String', uppercase: true }, l: { type: 'String', lowercase: true } }, input: { u: 'straße', l: 'İSTANBUL' } },
  { name: 'trim removes a BOM and Unicode spaces', schema: { s: { type: 'String', trim: true } }, input: { s: '\uFEFF\u00A0 x \u2003\u3000' } },

  // Int32, Double, BigInt and UUID
  { name: 'Int32 Double BigInt UUID cast', schema: { i: { type: 'Int32' }, d: { type: 'Double' }, b: { type: 'BigInt' }, u: { type: 'UUID' } }, input: { i: '12', d: '1.5', b: '9007199254740993', u: '09190f70-3d30-11e5-8814-0f4df9a59c41' } },
  { name: 'Int32 Double BigInt UUID from other types', schema: { i: { type: 'Int32' }, d: { type: 'Double' }, b: { type: 'BigInt' }, u: { type: 'UUID' } }, input: { i: true, d: true, b: -42, u: '09190F703D3011E588140F4DF9A59C41' } },
  { name: 'Int32 Double BigInt UUID cast errors', schema: { i: { type: 'Int32' }, d: { type: 'Double' }, b: { type: 'BigInt' }, u: { type: 'UUID' } }, input: { i: 1.5, d: 'x', b: 1.5, u: 'nope' } },
  { name: 'Int32 out of range and BigInt syntax', schema: { i: { type: 'Int32' }, j: { type: 'Int32' }, b: { type: 'BigInt' }, c: { type: 'BigInt' }, u: { type: 'UUID' } }, input: { i: 2147483648, j: -2147483648, b: 'x', c: true, u: 12 } },
  { name: 'Int32 Double BigInt UUID null and empty', schema: { i: { type: 'Int32' }, d: { type: 'Double' }, b: { type: 'BigInt' }, u: { type: 'UUID' } }, input: { i: '', d: null, b: '', u: null } },
  { name: 'BigInt from hex and uppercase UUID', schema: { b: { type: 'BigInt' }, u: { type: 'UUID' } }, input: { b: '0x10', u: '09190F70-3D30-11E5-8814-0F4DF9A59C41' } },

  // Decimal128: exact decimal money
  { name: 'Decimal128 cast from strings and numbers', schema: { a: { type: 'Decimal128' }, b: { type: 'Decimal128' }, c: { type: 'Decimal128' }, d: { type: 'Decimal128' }, e: { type: 'Decimal128' } }, input: { a: '19.99', b: 0.1, c: ' 1.50 ', d: 10, e: '-0.000001' } },
  { name: 'Decimal128 cast errors', schema: { a: { type: 'Decimal128' }, b: { type: 'Decimal128' }, c: { type: 'Decimal128' } }, input: { a: 'abc', b: { x: 1 }, c: [1] } },
  { name: 'Decimal128 from booleans, empty and null', schema: { a: { type: 'Decimal128' }, b: { type: 'Decimal128' }, c: { type: 'Decimal128' } }, input: { a: true, b: '', c: null } },
  { name: 'Decimal128 required and in an array', schema: { total: { type: 'Decimal128', required: true }, lines: { type: 'Array', of: { type: 'Decimal128' } } }, input: { lines: ['1.10', 2.5, 'x'] } },
  { name: 'Decimal128 special values and inexact digits', schema: { a: { type: 'Decimal128' }, b: { type: 'Decimal128' }, c: { type: 'Decimal128' }, d: { type: 'Decimal128' }, e: { type: 'Decimal128' } }, input: { a: 'NaN', b: '-Infinity', c: '1e6200', d: '0.12345678901234567890123456789012345678', e: '1.5e-3' } },
  { name: 'Decimal128 beyond 34 digits and exponents', schema: { a: { type: 'Decimal128' }, b: { type: 'Decimal128' }, c: { type: 'Decimal128' } }, input: { a: '1234567890123456789012345678901234', b: '1E+10', c: 1e21 } },

  // casting corners: numbers, booleans, dates and ObjectIds from strings
  { name: 'numbers from signed, bare-dot and special strings', schema: { a: { type: 'Number' }, b: { type: 'Number' }, c: { type: 'Number' }, d: { type: 'Number' }, e: { type: 'Number' } }, input: { a: '+5', b: '.5', c: '5.', d: 'Infinity', e: '-0' } },
  { name: 'number from NaN string', schema: { n: { type: 'Number' } }, input: { n: 'NaN' } },
  { name: 'booleans from yes no 1 0 strings', schema: { a: { type: 'Boolean' }, b: { type: 'Boolean' }, c: { type: 'Boolean' }, d: { type: 'Boolean' } }, input: { a: 'yes', b: 'no', c: '1', d: '0' } },
  { name: 'boolean from on', schema: { b: { type: 'Boolean' } }, input: { b: 'on' } },
  { name: 'boolean from padded true', schema: { b: { type: 'Boolean' } }, input: { b: ' true' } },
  { name: 'boolean from object', schema: { b: { type: 'Boolean' } }, input: { b: { x: 1 } } },
  { name: 'dates from date-only, local and numeric strings', schema: { a: { type: 'Date' }, b: { type: 'Date' }, c: { type: 'Date' } }, input: { a: '2024-05-01', b: '2024-05-01 10:00', c: '1714557600000' } },
  { name: 'date from negative and zero millis', schema: { a: { type: 'Date' }, b: { type: 'Date' } }, input: { a: -1, b: 0 } },
  { name: 'date from object', schema: { d: { type: 'Date' } }, input: { d: { y: 2024 } } },
  { name: 'ObjectId from a 12-character string', schema: { id: { type: 'ObjectId' } }, input: { id: 'abcdefghijkl' } },
  { name: 'ObjectId from uppercase hex', schema: { id: { type: 'ObjectId' } }, input: { id: '64B7F0C2A1B2C3D4E5F60718' } },
  { name: 'ObjectId from boolean and empty string', schema: { a: { type: 'ObjectId' }, b: { type: 'ObjectId' } }, input: { a: true, b: '' } },
  { name: 'string from null and nested array', schema: { a: { type: 'String' }, b: { type: 'String' } }, input: { a: null, b: [['x']] } },
  { name: 'Decimal128 with a comma', schema: { d: { type: 'Decimal128' } }, input: { d: '1,5' } },
  { name: 'number array from a comma string', schema: { ns: { type: 'Array', of: { type: 'Number' } } }, input: { ns: '1,2' } },
  { name: 'array of subdocuments with null element', schema: order, input: { customer: oid, items: [null, { sku: 'b', qty: 2 }] } },
  { name: 'array of primitives with null element', schema: order, input: { customer: oid, nums: [1, null] } },

  // validators' default messages and kinds on every type
  { name: 'max on Date with template', schema: { d: { type: 'Date', max: { value: { $date: '2020-01-01T00:00:00.000Z' }, message: '{PATH} {VALUE} after {MAX}' } } }, input: { d: '2021-01-01' } },
  { name: 'enum on Number with default message', schema: { n: { type: 'Number', enum: [1, 2] } }, input: { n: 3 } },
  { name: 'required on Map and Mixed', schema: { m: { type: 'Map', of: { type: 'String' }, required: true }, x: { type: 'Mixed', required: true } }, input: {} },
  { name: 'required on ObjectId Decimal128 and Boolean', schema: { a: { type: 'ObjectId', required: true }, b: { type: 'Decimal128', required: true }, c: { type: 'Boolean', required: true } }, input: { a: null } },
  { name: 'required inside array subdocuments', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { sku: { type: 'String', required: 'sku please' }, qty: { type: 'Number', required: true } } } } }, input: { items: [{ sku: 'a' }, { qty: 1 }, {}] } },
  { name: 'required inside a missing subdocument is not checked', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String', required: true } } } }, input: {} },
  { name: 'required inside an empty subdocument', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String', required: true } } } }, input: { s: {} } },
  { name: 'required elements of a primitive array', schema: { ss: { type: 'Array', of: { type: 'String', required: true } } }, input: { ss: ['a', null, ''] } },
  { name: 'minlength and maxlength with arrays as values', schema: { s: { type: 'String', minlength: 2, maxlength: 3 } }, input: { s: ['abcd'] } },
  { name: 'match with flags-free pattern on numbers cast to string', schema: { s: { type: 'String', match: '^[0-9]+$' } }, input: { s: 12.5 } },
  { name: 'min and max on the same path both fail? only min', schema: { n: { type: 'Number', min: 5, max: 1 } }, input: { n: 3 } },
  { name: 'lowercase trim on a number input', schema: { s: { type: 'String', lowercase: true, trim: true } }, input: { s: 10 } },
  { name: 'nested subdocument in subdocument', schema: { a: { type: 'Subdoc', schema: { b: { type: 'Subdoc', schema: { c: { type: 'Number', min: 1, required: true } } } } } }, input: { a: { b: { c: '0' } } } },
  { name: 'nested subdocument cast error deep', schema: { a: { type: 'Subdoc', schema: { b: { type: 'Subdoc', schema: { c: { type: 'Number' } } } } } }, input: { a: { b: { c: 'x' } } } },
  { name: 'defaults for Boolean false, zero and empty array', schema: { b: { type: 'Boolean', default: false }, n: { type: 'Number', default: 0 }, s: { type: 'String', default: '' }, tags: { type: 'Array', of: { type: 'String' } } }, input: {} },
  { name: 'default cast to the path type', schema: { n: { type: 'Number', default: '5' }, s: { type: 'String', default: 7 } }, input: {} },
  { name: 'default failing min', schema: { n: { type: 'Number', default: -1, min: 0 } }, input: {} },

  // updates: other operators
  { name: 'update $setOnInsert casts and validates', schema: profile, update: { $setOnInsert: { age: '10', name: 'ann' } } },
  { name: 'update $inc on a String path', schema: profile, update: { $inc: { name: 1 } } },
  { name: 'update $pull casts', schema: profile, update: { $pull: { nums: '3', tags: 'x' } } },
  { name: 'update $pull cast error', schema: profile, update: { $pull: { nums: 'x' } } },
  { name: 'update $push $each with $position', schema: profile, update: { $push: { tags: { $position: 0, $each: ['go'] } } } },
  { name: 'update $pullAll casts', schema: profile, update: { $pullAll: { nums: ['3', 4] } } },
  { name: 'update $pop and $rename', schema: profile, update: { $pop: { nums: 1 }, $rename: { name: 'nick' } } },
  { name: 'update $addToSet $each with bad element', schema: profile, update: { $addToSet: { nums: { $each: [1, 'x'] } } } },
  { name: 'update $push $each with $slice and $sort', schema: profile, update: { $push: { nums: { $each: ['3', '1'], $slice: -5, $sort: 1 } } } },
  { name: 'update $set array to null', schema: profile, update: { $set: { tags: null } } },
  { name: 'update $set nested required to undefined path', schema: profile, update: { $set: { 'address.city': null } } },
  { name: 'update $mul on a Number with a string', schema: profile, update: { $mul: { age: '2' } } },
  { name: 'update $currentDate', schema: profile, update: { $currentDate: { at: true } } },
  { name: 'update $set of an enum with empty string', schema: profile, update: { $set: { status: '' } } },
  { name: 'update $set with a min failure and a cast error', schema: profile, update: { $set: { age: 5, at: 'never' } } },
  { name: 'update $set subdocument with a missing required field', schema: profile, update: { $set: { address: { zip: '1' } } } },
  { name: 'update $set trims before maxlength', schema: profile, update: { $set: { name: '  abcde  ' } } },

  // maps, arrays and subdocuments: more shapes
  { name: 'map values with enum and a bad key value', schema: { m: { type: 'Map', of: { type: 'String', enum: ['a', 'b'] } } }, input: { m: { x: 'a', y: 'c' } } },
  { name: 'map of arrays of numbers', schema: { m: { type: 'Map', of: { type: 'Array', of: { type: 'Number' } } } }, input: { m: { x: ['1', 2], y: '3' } } },
  { name: 'map from an array', schema: { m: { type: 'Map', of: { type: 'Number' } } }, input: { m: [1, 2] } },
  { name: 'array of subdocuments with defaults and trims', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { s: { type: 'String', trim: true, default: 'd' }, n: { type: 'Number', default: 1 } } } } }, input: { items: [{ s: ' a ' }, { n: '2' }] } },
  { name: 'subdocument array element with a nested subdocument', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { dim: { type: 'Subdoc', schema: { w: { type: 'Number', min: 1 } } } } } } }, input: { items: [{ dim: { w: 0 } }, { dim: { w: 'x' } }] } },
  { name: 'subdocument given an array', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String' } } } }, input: { s: [{ k: 'a' }] } },
  { name: 'array of numbers given an object', schema: { ns: { type: 'Array', of: { type: 'Number' } } }, input: { ns: { a: 1 } } },
  { name: 'strict false inside subdocuments', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String' } } } }, strict: false, input: { s: { k: 'a', extra: 1 }, top: true } },
  { name: 'enum and match on the same path', schema: { s: { type: 'String', enum: ['abc', 'x'], match: '^a' } }, input: { s: 'x' } },
  { name: 'maxlength on a subdocument string and min on array numbers', schema: { s: { type: 'Subdoc', schema: { t: { type: 'String', maxlength: 1 } } }, ns: { type: 'Array', of: { type: 'Number', min: 0, max: 9 } } }, input: { s: { t: 'ab' }, ns: [-1, 5, 10] } },
  { name: 'update $set map value in subdocument', schema: { s: { type: 'Subdoc', schema: { m: { type: 'Map', of: { type: 'Number', min: 0 } } } } }, update: { $set: { 's.m.k': -1 } } },
  { name: 'update $set top-level map value below min', schema: { m: { type: 'Map', of: { type: 'Number', min: 0 } } }, update: { $set: { 'm.k': -1 } } },
  { name: 'update $set whole map', schema: { m: { type: 'Map', of: { type: 'Number', min: 0 } } }, update: { $set: { m: { a: '1', b: -2 } } } },
  { name: 'update $push onto a map value array', schema: { m: { type: 'Map', of: { type: 'Array', of: { type: 'Number' } } } }, update: { $push: { 'm.k': '4' } } },
  { name: 'update $set nested subdocument in array element', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { dim: { type: 'Subdoc', schema: { w: { type: 'Number', min: 1 } } } } } } }, update: { $set: { 'items.0.dim.w': '0' } } },

  // templates and kinds on more validators
  { name: 'minlength and maxlength templated with VALUE', schema: { s: { type: 'String', minlength: { value: 4, message: '{VALUE} too short for {PATH} ({MINLENGTH})' } } }, input: { s: 'ab' } },
  { name: 'match templated with REGEXP-free message', schema: { s: { type: 'String', match: { value: '^x', message: '{PATH} bad: {VALUE}' } } }, input: { s: 'y' } },
  { name: 'required custom message with PATH', schema: { s: { type: 'String', required: '{PATH} is needed' } }, input: {} },
  { name: 'enum message with values array', schema: { s: { type: 'String', enum: { values: ['a', 'b'], message: 'pick {VALUE}' } } }, input: { s: 'c' } },
  { name: 'max Date default message', schema: { d: { type: 'Date', max: { $date: '2020-01-01T00:00:00.000Z' } } }, input: { d: '2020-01-01T00:00:00.001Z' } },
  { name: 'min Number with negative zero and decimals', schema: { n: { type: 'Number', min: 0.1 } }, input: { n: '0.09' } },
  { name: 'cast error inside a map inside an array subdocument', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { m: { type: 'Map', of: { type: 'Date' } } } } } }, input: { items: [{ m: { a: 'never' } }] } },
  { name: 'update $set array element subdocument whole', schema: profile, update: { $set: { 'items.1': { qty: '0' } } } },
  { name: 'update $set with alias-free unknown nested path', schema: profile, update: { $set: { 'address.planet': 'x', 'address.city': 'P' } } },
  { name: 'update $min on a string path casts', schema: profile, update: { $min: { name: 5 } } },

  // sweep: nested arrays, templated messages on nested and array paths
  { name: 'cast error in an array of arrays', schema: { grid: { type: 'Array', of: { type: 'Array', of: { type: 'Number' } } } }, input: { grid: [[1, 2], [3, 'x']] } },
  { name: 'min custom message with MIN on an array element', schema: { nums: { type: 'Array', of: { type: 'Number', min: { value: 2, message: '{PATH} is {VALUE}, under {MIN}' } } } }, input: { nums: [5, 1] } },
  { name: 'maxlength custom message with MAXLENGTH in a subdocument', schema: { sub: { type: 'Subdoc', schema: { s: { type: 'String', maxlength: { value: 2, message: '{PATH} over {MAXLENGTH}: {VALUE}' } } } } }, input: { sub: { s: 'abc' } } },
  { name: 'required deep in an array of subdocuments in a subdocument', schema: { a: { type: 'Subdoc', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { sku: { type: 'String', required: true } } } } } } }, input: { a: { items: [{ sku: 'x' }, {}] } } },
  { name: 'enum custom message on a map value', schema: { m: { type: 'Map', of: { type: 'String', enum: { values: ['a'], message: '{PATH}={VALUE} not allowed' } } } }, input: { m: { k: 'b' } } },
  { name: 'match custom message on an array element', schema: { tags: { type: 'Array', of: { type: 'String', match: { value: '^[a-z]+$', message: 'tag {VALUE} at {PATH}' } } } }, input: { tags: ['ok', 'Bad1'] } },
  { name: 'cast error of a subdocument given a string in an array', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { q: { type: 'Number' } } } } }, input: { items: [{ q: 1 }, 'str'] } },
  { name: 'cast and validation errors in one subdocument', schema: { sub: { type: 'Subdoc', schema: { n: { type: 'Number' }, s: { type: 'String', required: true } } } }, input: { sub: { n: 'x' } } },
  { name: 'ObjectId cast error in an array in a subdocument', schema: { sub: { type: 'Subdoc', schema: { refs: { type: 'Array', of: { type: 'ObjectId' } } } } }, input: { sub: { refs: ['64b7f0c2a1b2c3d4e5f60701', 'nope'] } } },
  { name: 'min Date custom message with MIN', schema: { d: { type: 'Date', min: { value: { $date: '2020-01-01T00:00:00.000Z' }, message: '{PATH} before {MIN}' } } }, input: { d: '2019-06-01T00:00:00.000Z' } },

  // sweep: arrays of every scalar type, nested casts, strict false nested, update operands
  { name: 'array of Booleans from strings and numbers', schema: { bs: { type: 'Array', of: { type: 'Boolean' } } }, input: { bs: ['true', 'no', 1, '0'] } },
  { name: 'array of Booleans with a bad element', schema: { bs: { type: 'Array', of: { type: 'Boolean' } } }, input: { bs: [true, 'maybe'] } },
  { name: 'array of Dates from mixed input', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, input: { ds: ['2024-01-01', 0, '2024-05-01T10:00:00+02:00'] } },
  { name: 'array of Decimal128 with a bad element', schema: { ds: { type: 'Array', of: { type: 'Decimal128' } } }, input: { ds: ['1.5', 2, 'x'] } },
  { name: 'array of Int32 from strings', schema: { is: { type: 'Array', of: { type: 'Int32' } } }, input: { is: ['1', 2, '3.5'] } },
  { name: 'array of Strings from numbers and booleans', schema: { ss: { type: 'Array', of: { type: 'String', trim: true } } }, input: { ss: [1, true, ' x '] } },
  { name: 'nested subdocument casts strings to numbers and dates', schema: { a: { type: 'Subdoc', schema: { n: { type: 'Number' }, d: { type: 'Date' }, b: { type: 'Boolean' } } } }, input: { a: { n: ' 3 ', d: '2024-05-01', b: 'false' } } },
  { name: 'strict false keeps unknown nested fields', schema: user, strict: false, input: { username: 'ann', email: 'a@b', address: { city: 'Paris', planet: 'Earth' }, extra: { x: 1 } } },
  { name: 'enum custom message on an array element', schema: { tags: { type: 'Array', of: { type: 'String', enum: { values: ['go'], message: '{VALUE} is not a tag ({PATH})' } } } }, input: { tags: ['go', 'java'] } },
  { name: 'maxlength custom message on an array element', schema: { tags: { type: 'Array', of: { type: 'String', maxlength: { value: 3, message: '{PATH} too long: {VALUE}' } } } }, input: { tags: ['ok', 'toolong'] } },
  { name: 'required custom message in a subdocument', schema: { sub: { type: 'Subdoc', schema: { k: { type: 'String', required: '{PATH} is missing here' } } } }, input: { sub: { n: 1 } } },
  { name: 'update $push bad Number element', schema: profile, update: { $push: { nums: 'x' } } },
  { name: 'update $inc with a numeric string', schema: profile, update: { $inc: { age: '5' } } },
  { name: 'update $set nested number from string', schema: { a: { type: 'Subdoc', schema: { n: { type: 'Number', min: 1 } } } }, update: { $set: { 'a.n': '0' } } },
  { name: 'update $set Boolean bad value', schema: { b: { type: 'Boolean' } }, update: { $set: { b: 'maybe' } } },
  { name: 'update $set ObjectId bad value', schema: { id: { type: 'ObjectId' } }, update: { $set: { id: 'nope' } } },
  { name: 'update $set Date array with a bad element', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, update: { $set: { ds: ['2024-01-01', 'never'] } } },

  // query casting: what a find's filter becomes, or its CastError
  { name: 'filter casts a number string', schema: profile, filter: { age: '30' } },
  { name: 'filter $in casts each element', schema: profile, filter: { age: { $in: ['1', 2] }, at: { $gt: '2024-01-01' } } },
  { name: 'filter cast error in $in', schema: profile, filter: { age: { $in: [1, 'x'] } } },
  { name: 'filter cast error in $gt', schema: profile, filter: { at: { $gt: 'never' } } },
  { name: 'filter ObjectId cast error', schema: order, filter: { customer: 'nope' } },
  { name: 'filter ObjectId and Boolean cast', schema: order, filter: { customer: { $in: [oid] }, paid: 'yes' } },
  { name: 'filter Boolean cast error', schema: order, filter: { paid: 'maybe' } },
  { name: 'filter nested path cast', schema: profile, filter: { 'address.zip': 12345, 'items.qty': { $gte: '2' } } },
  { name: 'filter array path casts the element type', schema: profile, filter: { nums: '3', tags: { $all: ['go'] } } },
  { name: 'filter cast error in $or', schema: profile, filter: { $or: [{ age: 1 }, { age: 'x' }] } },
  { name: 'filter $ne and $nin cast', schema: profile, filter: { age: { $ne: '5', $nin: ['6'] } } },
  { name: 'filter $exists and $size keep their operands', schema: profile, filter: { age: { $exists: 'yes' }, nums: { $size: '2' } } },

  // strict modes on updates: unknown paths, nested and in whole subdocuments
  { name: 'update strict throw on an unknown $set path', schema: profile, strict: 'throw', update: { $set: { color: 'red', name: 'a' } } },
  { name: 'update strict throw on an unknown nested $set path', schema: profile, strict: 'throw', update: { $set: { 'address.planet': 'x' } } },
  { name: 'update strict throw on an unknown key of a whole subdocument', schema: profile, strict: 'throw', update: { $set: { address: { city: 'P', planet: 'x' } } } },
  { name: 'update strict throw on an unknown $inc path', schema: profile, strict: 'throw', update: { $inc: { count: 1 } } },
  { name: 'update strict throw on a plain document with an unknown key', schema: profile, strict: 'throw', update: { color: 'red' } },
  { name: 'update strict throw on an unknown field of a pushed subdocument', schema: profile, strict: 'throw', update: { $push: { items: { color: 'r', sku: 'a' } } } },
  { name: 'update strict throw on an unknown field of an array element', schema: profile, strict: 'throw', update: { $set: { 'items.0.color': 'r' } } },
  { name: 'update strict false keeps unknown paths', schema: profile, strict: false, update: { $set: { color: 'red', 'address.planet': 'x' }, $inc: { count: 1 } } },
  { name: 'update strict drops an unknown key of a whole subdocument', schema: profile, update: { $set: { address: { city: 'P', planet: 'x' } } } },
  { name: 'update strict drops an unknown field of a pushed subdocument', schema: profile, update: { $push: { items: { sku: 'a', color: 'r' } } } },
  { name: 'update strict drops an unknown $unset path', schema: profile, update: { $unset: { color: 1, status: 1 } } },
  { name: 'update strict throw on an immutable path', schema: { code: { type: 'String', immutable: true }, n: { type: 'Number' } }, strict: 'throw', update: { $set: { code: 'x', n: 1 } } },
  { name: 'update drops an immutable path', schema: { code: { type: 'String', immutable: true }, n: { type: 'Number' } }, update: { $set: { code: 'x', n: 1 } } },

  // update operators on nested and array paths
  { name: 'update $inc on an array subdocument field', schema: profile, update: { $inc: { 'items.0.qty': '2' } } },
  { name: 'update $set on an element of a number array', schema: profile, update: { $set: { 'nums.1': '5' } } },
  { name: 'update $set on an element of a number array cast error', schema: profile, update: { $set: { 'nums.1': 'x' } } },
  { name: 'update $set on an element of an enum array', schema: profile, update: { $set: { 'tags.0': 'cobol' } } },
  { name: 'update $pull with a condition on subdocuments', schema: profile, update: { $pull: { items: { qty: { $lt: '2' } } } } },
  { name: 'update $pull with an operator on numbers', schema: profile, update: { $pull: { nums: { $gte: '3' } } } },
  { name: 'update $pull with $in on strings', schema: profile, update: { $pull: { tags: { $in: ['go', 5] } } } },
  { name: 'update $pull with a bad operand in a condition', schema: profile, update: { $pull: { nums: { $gte: 'x' } } } },
  { name: 'update $addToSet a subdocument with a bad field', schema: profile, update: { $addToSet: { items: { qty: 'x', sku: 'a' } } } },
  { name: 'update $push a subdocument failing its validators', schema: profile, update: { $push: { items: { qty: 0 } } } },
  { name: 'update $set through an all-positional operator', schema: profile, update: { $set: { 'items.$[].qty': '3' } } },
  { name: 'update $set through a filtered positional operator', schema: profile, update: { $set: { 'items.$[el].qty': '3' } } },
  { name: 'update $set through an all-positional operator failing min', schema: profile, update: { $set: { 'items.$[].qty': 0 } } },
  { name: 'update $inc with a non-numeric string', schema: profile, update: { $inc: { age: 'x' } } },
  { name: 'update $max on a date', schema: profile, update: { $max: { at: '2024-01-01' } } },
  { name: 'update $set of a nested subdocument field with a cast error', schema: profile, update: { $set: { 'address.city': { a: 1 } } } },
  { name: 'update $push $each with a bad subdocument', schema: profile, update: { $push: { items: { $each: [{ sku: 'a' }, { qty: 'x', sku: 'b' }] } } } },
  { name: 'update $push a string onto an array of subdocuments', schema: profile, update: { $push: { items: 'abc' } } },
  { name: 'update $pull with a condition cast against the subdocument schema', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { sku: { type: 'String', uppercase: true }, qty: { type: 'Number' }, at: { type: 'Date' } } } } }, update: { $pull: { items: { sku: 'a', qty: { $lt: '2' }, at: { $gte: '2024-01-01' } } } } },
  { name: 'update $pull with a bad condition on a subdocument field', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { qty: { type: 'Number' } } } } }, update: { $pull: { items: { qty: { $lt: 'x' } } } } },
  { name: 'update $pull of a date condition', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, update: { $pull: { ds: { $lt: '2024-01-01' } } } },
  { name: 'update $addToSet onto an enum array', schema: profile, update: { $addToSet: { tags: 'cobol' } } },

  // untrusted input with $-keys
  { name: 'input with an operator object on a String path', schema: product, input: { name: { $ne: null }, price: 1 } },
  { name: 'input with an operator object on a Number path', schema: product, input: { name: 'x', price: { $gt: 0 } } },
  { name: 'input with a top-level $-key', schema: product, input: { name: 'x', price: 1, $where: 'sleep(1)' } },
  { name: 'input with a $-key in a Mixed path', schema: { x: { type: 'Mixed' } }, input: { x: { $gt: 1, a: { $in: [1] } } } },
  { name: 'update with an operator object on a String path', schema: profile, update: { $set: { name: { $gt: '' } } } },

  // validators that throw, reject or resolve
  { name: 'custom validator that throws', schema: { s: { type: 'String', validate: { fn: 'throws', message: 'configured {PATH}' } } }, input: { s: 'x' } },
  { name: 'custom validator that throws without a message', schema: { s: { type: 'String', validate: { fn: 'throws' } } }, input: { s: 'x' } },
  { name: 'async validator that resolves false', schema: { n: { type: 'Number', validate: { fn: 'asyncEven', message: '{PATH} is odd ({VALUE})' } } }, input: { n: 3 } },
  { name: 'async validator that rejects', schema: { n: { type: 'Number', validate: { fn: 'rejects', message: 'configured {PATH}' } } }, input: { n: 3 } },
  { name: 'async validator that rejects without a message', schema: { n: { type: 'Number', validate: { fn: 'rejects' } } }, input: { n: 3 } },
  { name: 'custom validator that throws on an update', schema: { s: { type: 'String', validate: { fn: 'throws', message: 'configured {PATH}' } } }, update: { $set: { s: 'x' } } },

  // query casting runs setters: trim, lowercase, uppercase
  { name: 'filter applies lowercase and trim to equality', schema: user, filter: { username: '  ANN ', email: 'A@B' } },
  { name: 'filter applies lowercase in $in and $ne', schema: user, filter: { username: { $in: ['ANN', ' Bob'], $ne: 'CAROL' } } },
  { name: 'filter applies uppercase to array subdocument paths', schema: order, filter: { 'items.sku': 'ab-1' } },
  { name: 'filter keeps $regex operands', schema: user, filter: { username: { $regex: '^ANN' } } },
  { name: 'filter applies trim to array elements', schema: shipment, filter: { tags: ' FRAGILE ', kind: { $in: [' box '] } } },

  // update operands run setters too
  { name: 'update $pull applies trim and lowercase', schema: shipment, update: { $pull: { tags: ' FRAGILE ' } } },
  { name: 'update $pullAll applies trim and lowercase', schema: shipment, update: { $pullAll: { tags: [' COLD ', 'x'] } } },
  { name: 'update $pull $in applies trim and lowercase', schema: shipment, update: { $pull: { tags: { $in: [' COLD '] } } } },
  { name: 'update $min on a trimmed string', schema: shipment, update: { $min: { ref: '  abcd ' } } },

  // query casting sweep: $not, $elemMatch, $and/$nor, maps, new types, nulls
  { name: 'filter $not casts its operand', schema: profile, filter: { age: { $not: { $gt: '5' } } } },
  { name: 'filter $elemMatch on array subdocuments', schema: order, filter: { items: { $elemMatch: { qty: { $gt: '1' }, sku: 'ab' } } } },
  { name: 'filter $elemMatch on a primitive array', schema: profile, filter: { nums: { $elemMatch: { $gt: '1', $lt: '5' } } } },
  { name: 'filter $elemMatch cast error', schema: order, filter: { items: { $elemMatch: { qty: 'x' } } } },
  { name: 'filter $and and $nor cast', schema: profile, filter: { $and: [{ age: '1' }, { $nor: [{ at: '2024-01-01' }] }] } },
  { name: 'filter $in given a single value', schema: profile, filter: { age: { $in: '5' } } },
  { name: 'filter $all on numbers from strings', schema: profile, filter: { nums: { $all: ['1', 2] } } },
  { name: 'filter $mod and $type', schema: profile, filter: { age: { $mod: ['4', '0'] }, name: { $type: 'string' } } },
  { name: 'filter $size cast error', schema: profile, filter: { nums: { $size: 'x' } } },
  { name: 'filter map value path', schema: order, filter: { 'meta.a': '3' } },
  { name: 'filter Decimal128 path', schema: order, filter: { total: { $gte: '12.5' } } },
  { name: 'filter Decimal128 cast error', schema: order, filter: { total: 'x' } },
  { name: 'filter null values', schema: profile, filter: { age: null, nums: { $in: [null, '1'] } } },
  { name: 'filter $exists on a nested path', schema: profile, filter: { 'address.city': { $exists: 0 } } },
  { name: 'filter Int32 Double BigInt UUID', schema: { i: { type: 'Int32' }, d: { type: 'Double' }, b: { type: 'BigInt' }, u: { type: 'UUID' } }, filter: { i: '5', d: '1.5', b: '9007199254740993', u: '09190f70-3d30-11e5-8814-0f4df9a59c41' } },
  { name: 'filter Int32 cast error', schema: { i: { type: 'Int32' } }, filter: { i: 1.5 } },
  { name: 'filter UUID cast error', schema: { u: { type: 'UUID' } }, filter: { u: 'nope' } },
  { name: 'filter date from epoch millis', schema: profile, filter: { at: { $lte: 0 } } },
  { name: 'filter Boolean $ne', schema: order, filter: { paid: { $ne: 'no' } } },
  { name: 'filter Mixed path keeps values', schema: { x: { type: 'Mixed' } }, filter: { 'x.a': '1', x: { $ne: '2' } } },
  { name: 'filter whole subdocument equality', schema: profile, filter: { address: { city: 'P', zip: 12345 } } },
  { name: 'filter array of subdocuments with an element object', schema: order, filter: { items: { sku: 'a', qty: '1' } } },
  { name: 'filter $eq casts', schema: profile, filter: { age: { $eq: '7' } } },
  { name: 'filter $in on an array of subdocument paths', schema: order, filter: { 'items.qty': { $in: ['1', '2'] } } },
  { name: 'filter $regex on a Number path', schema: profile, filter: { age: { $regex: '^1' } } },
  { name: 'filter $ne null and $gt together', schema: profile, filter: { age: { $ne: null, $gt: '3' } } },
  { name: 'filter deep nested subdocument path', schema: { a: { type: 'Subdoc', schema: { b: { type: 'Subdoc', schema: { n: { type: 'Number' } } } } } }, filter: { 'a.b.n': '4' } },
  { name: 'filter array of Date paths', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, filter: { ds: { $gte: '2024-01-01', $in: [0] } } },
  { name: 'filter $nin cast error', schema: profile, filter: { age: { $nin: ['x'] } } },
  { name: 'filter $all cast error', schema: profile, filter: { nums: { $all: [1, 'x'] } } },

  // operators each schema type takes in a filter, and what the others do
  { name: 'filter unknown operator on a Date path', schema: profile, filter: { at: { $foo: 1 } } },
  { name: 'filter $regex on a Number array', schema: profile, filter: { nums: { $regex: '^1' } } },
  { name: 'filter $regex on a String array', schema: profile, filter: { tags: { $regex: '^g', $options: 'i' } } },
  { name: 'filter $nin and $all given a single value', schema: profile, filter: { nums: { $nin: '5' }, age: { $all: '5' } } },
  { name: 'filter whole subdocument with a default and an unknown key', schema: { sub: { type: 'Subdoc', schema: { zip: { type: 'String' }, city: { type: 'String', default: 'D' }, n: { type: 'Number' } } } }, filter: { sub: { extra: 1, n: '2' } } },
  { name: 'filter subdocument equality cast error', schema: { sub: { type: 'Subdoc', schema: { zip: { type: 'String' }, city: { type: 'String', default: 'D' }, n: { type: 'Number' } } } }, filter: { sub: { n: 'x' } } },
  { name: 'filter subdocument given a string', schema: { sub: { type: 'Subdoc', schema: { zip: { type: 'String' }, city: { type: 'String', default: 'D' }, n: { type: 'Number' } } } }, filter: { sub: 'str' } },
  { name: 'filter $ne and $in of whole subdocuments', schema: { sub: { type: 'Subdoc', schema: { zip: { type: 'String' }, city: { type: 'String', default: 'D' }, n: { type: 'Number' } } } }, filter: { sub: { $ne: { n: '3' }, $in: [{ n: '4' }] } } },
  { name: 'filter element object cast error', schema: order, filter: { items: { qty: 'x' } } },
  { name: 'filter element given a string', schema: order, filter: { items: 'str' } },
  { name: 'filter $elemMatch with $or', schema: order, filter: { items: { $elemMatch: { $or: [{ qty: '1' }, { sku: 'a' }] } } } },
  { name: 'filter $elemMatch with an unknown operator', schema: profile, filter: { nums: { $elemMatch: { $foo: 1 } } } },
  { name: 'filter $size on a subdocument array field', schema: order, filter: { 'items.qty': { $size: '2' } } },
  { name: 'filter $not of a value on a Number path', schema: profile, filter: { age: { $not: '3' } } },
  { name: 'filter $not of a value on a String path', schema: profile, filter: { name: { $not: 'x' } } },
  { name: 'filter $not of an unknown operator', schema: profile, filter: { age: { $not: { $foo: 1 } } } },
  { name: 'filter $not on a number array', schema: profile, filter: { nums: { $not: { $gt: '1' } } } },
  { name: 'filter other operators on Boolean and Int32 cast their operands', schema: { b: { type: 'Boolean' }, i: { type: 'Int32' } }, filter: { b: { $gt: 'true' }, i: { $regex: '5' } } },
  { name: 'filter $mod on BigInt', schema: { b: { type: 'BigInt' } }, filter: { b: { $mod: ['5'] } } },
  { name: 'filter bitwise operators cast to numbers', schema: profile, filter: { age: { $bitsAllSet: ['1', '2'], $bitsAnyClear: '3' } } },
  { name: 'filter $mod cast error', schema: profile, filter: { age: { $mod: ['x', 1] } } },
  { name: 'filter $mod on a Date', schema: profile, filter: { at: { $mod: [1, 0] } } },
  { name: 'filter $in of null', schema: profile, filter: { age: { $in: null } } },
  { name: 'filter $in of an object', schema: profile, filter: { age: { $in: {} } } },
  { name: 'filter $exists on a subdocument and an array', schema: profile, filter: { address: { $exists: '1' }, nums: { $exists: 0 } } },
  { name: 'filter arrays inside $in', schema: profile, filter: { nums: { $in: [['1']] } } },
  { name: 'filter array values cast element by element', schema: order, filter: { nums: ['1', '2'], items: [{ qty: '1', sku: 'b' }] } },
  { name: 'filter $all with $elemMatch', schema: order, filter: { items: { $all: [{ $elemMatch: { qty: '1' } }] } } },
  { name: 'filter unknown operator on an ObjectId', schema: order, filter: { customer: { $foo: 1 } } },
  { name: 'filter $gt on a UUID', schema: { u: { type: 'UUID' } }, filter: { u: { $gt: 'x' } } },
  { name: 'filter $gt on a subdocument', schema: profile, filter: { address: { $gt: 1 } } },
  { name: 'filter $gt on a map', schema: order, filter: { meta: { $gt: 1 } } },
  { name: 'filter $regex with $options and $type', schema: user, filter: { username: { $regex: 'A', $options: 'i' }, age: { $type: 'number' } } },
  { name: 'filter $lt on a Boolean array element path', schema: { bs: { type: 'Array', of: { type: 'Boolean' } } }, filter: { bs: { $lt: 'yes' } } },
  { name: 'filter unknown operator on a Mixed path', schema: { x: { type: 'Mixed' } }, filter: { x: { $foo: '1' } } },
  { name: 'filter $regex on a Date path', schema: profile, filter: { at: { $regex: '2024' } } },
  { name: 'filter $size on a Number path', schema: profile, filter: { age: { $size: 1 } } },

  // more filters: logical operators, indexes, nulls, empty strings
  { name: 'filter number into a String path', schema: profile, filter: { name: 5, status: true } },
  { name: 'filter $and given an object', schema: profile, filter: { $and: { age: '1' } } },
  { name: 'filter $or given an empty array', schema: profile, filter: { $or: [] } },
  { name: 'filter $nor cast error', schema: profile, filter: { $nor: [{ at: 'never' }] } },
  { name: 'filter array index paths', schema: order, filter: { 'items.0.qty': '2', 'nums.1': '3' } },
  { name: 'filter map value with an operator', schema: order, filter: { 'meta.a': { $gt: '1' } } },
  { name: 'filter null subdocument and array', schema: profile, filter: { address: null, items: null } },
  { name: 'filter $size 0 and $exists false on arrays', schema: profile, filter: { items: { $size: 0 }, nums: { $exists: false } } },
  { name: 'filter whole array of strings', schema: profile, filter: { tags: ['go', 'rust'] } },
  { name: 'filter Decimal128 $in', schema: order, filter: { total: { $in: ['1.5', 2] } } },
  { name: 'filter date range with a bad bound', schema: profile, filter: { at: { $gte: '2024-01-01', $lte: 'x' } } },
  { name: 'filter top-level $comment and $expr kept', schema: profile, filter: { $comment: 'c', $expr: { $gt: ['$age', 1] }, age: '2' } },
  { name: 'filter empty $in', schema: profile, filter: { age: { $in: [] } } },
  { name: 'filter Int32 $in with a fraction', schema: { i: { type: 'Int32' } }, filter: { i: { $in: [1, 2.5] } } },
  { name: 'filter $gt of an empty string on a Number', schema: profile, filter: { age: { $gt: '' } } },
  { name: 'filter Boolean $in', schema: order, filter: { paid: { $in: ['yes', 0] } } },
  { name: 'filter ObjectId $gt', schema: order, filter: { customer: { $gt: '64b7f0c2a1b2c3d4e5f60718' } } },
  { name: 'filter nested path $in given a single value', schema: profile, filter: { 'address.city': { $in: 'P' } } },
  { name: 'filter $elemMatch on a subdocument array with $in', schema: order, filter: { items: { $elemMatch: { sku: { $in: ['a', 'b'] } } } } },
  { name: 'filter $ne on an array subdocument path', schema: order, filter: { 'items.qty': { $ne: '3' } } },
  { name: 'filter $all of numbers with a nested $all', schema: profile, filter: { nums: { $all: [['1']] } } },
  { name: 'filter trimmed lowercase value in $nin', schema: user, filter: { username: { $nin: [' ANN '] } } },
  { name: 'filter UUID $in', schema: { u: { type: 'UUID' } }, filter: { u: { $in: ['09190f70-3d30-11e5-8814-0f4df9a59c41'] } } },

  // update sweep: new types, nested required, Mixed, $pop, $bit
  { name: 'update $set Int32 Double BigInt UUID', schema: { i: { type: 'Int32' }, d: { type: 'Double' }, b: { type: 'BigInt' }, u: { type: 'UUID' } }, update: { $set: { i: '5', d: '2', b: '12', u: '09190f70-3d30-11e5-8814-0f4df9a59c41' } } },
  { name: 'update $inc Int32 cast error', schema: { i: { type: 'Int32' } }, update: { $inc: { i: 1.5 } } },
  { name: 'update $set UUID cast error', schema: { u: { type: 'UUID' } }, update: { $set: { u: 'nope' } } },
  { name: 'update $unset of a required nested path', schema: profile, update: { $unset: { 'address.city': 1 } } },
  { name: 'update $setOnInsert failing enum', schema: profile, update: { $setOnInsert: { status: 'z' } } },
  { name: 'update $set on a Mixed subpath', schema: { x: { type: 'Mixed' } }, update: { $set: { 'x.a.b': '1' } } },
  { name: 'update $pop casts its operand', schema: profile, update: { $pop: { nums: '-1' } } },
  { name: 'update $addToSet $each of subdocuments', schema: profile, update: { $addToSet: { items: { $each: [{ sku: 'a', qty: '2' }] } } } },
  { name: 'update $set of a date array element', schema: { ds: { type: 'Array', of: { type: 'Date' } } }, update: { $set: { 'ds.0': 'never' } } },
  { name: 'update $set whole map with a bad value', schema: order, update: { $set: { meta: { a: 'x' } } } },
  { name: 'update $set of an array subdocument field by index failing required', schema: profile, update: { $set: { 'items.0.sku': null } } },
  { name: 'update $set nested subdocument path failing match', schema: user, update: { $set: { 'address.zip': 'abc' } } },
  { name: 'update $mul on Int32', schema: { i: { type: 'Int32' } }, update: { $mul: { i: '3' } } },
  { name: 'update $set Decimal128 from a number', schema: order, update: { $set: { total: 1.5 } } },
  { name: 'update $set of a date failing max', schema: order, update: { $set: { placedAt: '2200-01-01' } } },
  { name: 'update $set of an array with a single value for subdocuments', schema: profile, update: { $set: { items: { sku: 'a', qty: '3' } } } },
  { name: 'update $push $each with a single value', schema: profile, update: { $push: { nums: { $each: '3' } } } },
  { name: 'update $set of a custom-validated path', schema: tagged, update: { $set: { code: 'x', even: 3 } } },
  { name: 'update $set with a templated max message', schema: tagged, update: { $set: { level: 12 } } },

  { name: 'update $inc on Int32 BigInt Double cast errors', schema: { i: { type: 'Int32' }, b: { type: 'BigInt' }, d: { type: 'Double' } }, update: { $inc: { i: 'x' } } },
  { name: 'update $inc on BigInt with a fraction', schema: { i: { type: 'Int32' }, b: { type: 'BigInt' }, d: { type: 'Double' } }, update: { $inc: { b: 1.5 } } },
  { name: 'update $inc on BigInt with a bad string', schema: { i: { type: 'Int32' }, b: { type: 'BigInt' }, d: { type: 'Double' } }, update: { $inc: { b: 'x' } } },
  { name: 'update $inc on Double with a bad string', schema: { i: { type: 'Int32' }, b: { type: 'BigInt' }, d: { type: 'Double' } }, update: { $inc: { d: 'x' } } },
  { name: 'update $inc and $mul on Int32 BigInt Double', schema: { i: { type: 'Int32' }, b: { type: 'BigInt' }, d: { type: 'Double' } }, update: { $inc: { i: '7', b: '7' }, $mul: { d: '2' } } },
  { name: 'update $pop cast error', schema: profile, update: { $pop: { nums: 'x' } } },
  { name: 'update $pop of true', schema: profile, update: { $pop: { nums: true } } },
  { name: 'update $set whole subdocument with a cast error', schema: profile, update: { $set: { address: { city: { a: 1 } } } } },
  { name: 'update $push $each with a bad single value', schema: profile, update: { $push: { nums: { $each: 'x' } } } },
  { name: 'update $bit casts its operands', schema: profile, update: { $bit: { age: { and: '5' } } } },
  { name: 'update $rename to a number', schema: profile, update: { $rename: { age: 5 } } },
  { name: 'update $currentDate of yes', schema: profile, update: { $currentDate: { at: 'yes' } } },

  // documents: new types in arrays and maps, enums on other types
  { name: 'array of UUIDs and map of Int32', schema: { us: { type: 'Array', of: { type: 'UUID' } }, m: { type: 'Map', of: { type: 'Int32' } } }, input: { us: ['09190f70-3d30-11e5-8814-0f4df9a59c41'], m: { a: '7', b: 1.5 } } },
  { name: 'array of BigInt and Double with bad elements', schema: { bs: { type: 'Array', of: { type: 'BigInt' } }, ds: { type: 'Array', of: { type: 'Double' } } }, input: { bs: ['1', 'x'], ds: ['1.5', 'y'] } },
  { name: 'enum on Int32', schema: { i: { type: 'Int32', enum: [1, 2] } }, input: { i: '3' } },
  { name: 'required on Int32 Double BigInt UUID', schema: { i: { type: 'Int32', required: true }, d: { type: 'Double', required: true }, b: { type: 'BigInt', required: true }, u: { type: 'UUID', required: true } }, input: {} },
  { name: 'min and max on Int32 and Double', schema: { i: { type: 'Int32', min: 2 }, d: { type: 'Double', max: 1 } }, input: { i: 1, d: 2 } },
  { name: 'custom validator on a Mixed path', schema: { x: { type: 'Mixed', validate: { fn: 'codePrefix', message: '{PATH} bad' } } }, input: { x: { a: 1 } } },
  { name: 'array of arrays of subdocuments', schema: { g: { type: 'Array', of: { type: 'Array', of: { type: 'Subdoc', schema: { n: { type: 'Number', min: 1 } } } } } }, input: { g: [[{ n: '2' }, { n: 0 }]] } },
  { name: 'map of maps', schema: { m: { type: 'Map', of: { type: 'Map', of: { type: 'Number' } } } }, input: { m: { a: { b: '1', c: 'x' } } } },
  { name: 'enum with null among the values', schema: { s: { type: 'String', enum: ['a', null] } }, input: { s: 'b' } },
  { name: 'required Mixed with an empty object', schema: { x: { type: 'Mixed', required: true } }, input: { x: {} } },
  { name: 'required Map with an empty object', schema: { m: { type: 'Map', of: { type: 'String' }, required: true } }, input: { m: {} } },
  { name: 'string from a Date and an ObjectId-like object', schema: { s: { type: 'String' }, t: { type: 'String' } }, input: { s: { $date: '2024-05-01T00:00:00.000Z' }, t: { toString: 'x' } } },
  { name: 'Date min on a map value', schema: { m: { type: 'Map', of: { type: 'Date', min: { $date: '2020-01-01T00:00:00.000Z' } } } }, input: { m: { a: '2019-01-01' } } },
  { name: 'maxlength on an array subdocument field with template', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { s: { type: 'String', maxlength: { value: 1, message: '{PATH} ({VALUE}) > {MAXLENGTH}' } } } } } }, input: { items: [{ s: 'ab' }] } },

  // sweep: required and validators across nesting, updates on maps and arrays of arrays
  { name: 'required on an array of subdocuments with none', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { q: { type: 'Number' } } }, required: true } }, input: { items: [] } },
  { name: 'required on a subdocument given null', schema: { s: { type: 'Subdoc', required: 'need {PATH}', schema: { k: { type: 'String' } } } }, input: { s: null } },
  { name: 'required and enum on an array element of a subdocument', schema: { s: { type: 'Subdoc', schema: { tags: { type: 'Array', of: { type: 'String', enum: ['a'] } } } } }, input: { s: { tags: ['a', 'b', 'c'] } } },
  { name: 'min on a map of numbers from strings', schema: { m: { type: 'Map', of: { type: 'Number', min: { value: 0, message: '{PATH} below {MIN}: {VALUE}' } } } }, input: { m: { a: '-1', b: '2' } } },
  { name: 'nested arrays of strings with enum', schema: { g: { type: 'Array', of: { type: 'Array', of: { type: 'String', enum: ['x'] } } } }, input: { g: [['x', 'y']] } },
  { name: 'date array with min', schema: { ds: { type: 'Array', of: { type: 'Date', min: { $date: '2020-01-01T00:00:00.000Z' } } } }, input: { ds: ['2021-01-01', '2019-01-01'] } },
  { name: 'ObjectId array with a required element', schema: { ids: { type: 'Array', of: { type: 'ObjectId', required: true } } }, input: { ids: [null] } },
  { name: 'Decimal128 min is ignored', schema: { d: { type: 'Decimal128', min: 5 } }, input: { d: '1' } },
  { name: 'Boolean with enum and min', schema: { b: { type: 'Boolean', enum: [true] } }, input: { b: false } },
  { name: 'String min and max are ignored', schema: { s: { type: 'String', min: 5, max: 1 } }, input: { s: 'abc' } },
  { name: 'Number minlength is ignored', schema: { n: { type: 'Number', minlength: 3 } }, input: { n: 1 } },
  { name: 'Date enum', schema: { d: { type: 'Date', enum: [{ $date: '2020-01-01T00:00:00.000Z' }] } }, input: { d: '2021-01-01' } },
  { name: 'ObjectId enum', schema: { id: { type: 'ObjectId', enum: ['64b7f0c2a1b2c3d4e5f60718'] } }, input: { id: '64b7f0c2a1b2c3d4e5f60719' } },
  { name: 'UUID required and bad in an array', schema: { us: { type: 'Array', of: { type: 'UUID' } }, u: { type: 'UUID', required: true } }, input: { us: ['x'] } },
  { name: 'match on a map value', schema: { m: { type: 'Map', of: { type: 'String', match: '^a' } } }, input: { m: { k: 'b' } } },
  { name: 'uppercase trim on map values', schema: { m: { type: 'Map', of: { type: 'String', uppercase: true, trim: true } } }, input: { m: { k: ' ab ' } } },
  { name: 'default on a map value type', schema: { m: { type: 'Map', of: { type: 'String', default: 'z' } } }, input: { m: { k: null } } },
  { name: 'default of an array of numbers', schema: { ns: { type: 'Array', of: { type: 'Number' }, default: ['1', 2] } }, input: {} },
  { name: 'default of a subdocument', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String', default: 'x' } }, default: { k: 'y' } } }, input: {} },
  { name: 'immutable path in a subdocument on a new document', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String', immutable: true } } } }, input: { s: { k: 'a' } } },

  { name: 'update $set of an immutable path in a subdocument', schema: { s: { type: 'Subdoc', schema: { k: { type: 'String', immutable: true }, n: { type: 'Number' } } } }, update: { $set: { 's.k': 'x', 's.n': '2' } } },
  { name: 'update $set map value failing enum', schema: { m: { type: 'Map', of: { type: 'String', enum: ['a'] } } }, update: { $set: { 'm.k': 'b' } } },
  { name: 'update $unset of a map value', schema: { m: { type: 'Map', of: { type: 'String', required: true } } }, update: { $unset: { 'm.k': 1 } } },
  { name: 'update $push onto an array of arrays', schema: { g: { type: 'Array', of: { type: 'Array', of: { type: 'Number' } } } }, update: { $push: { g: ['1', 2] } } },
  { name: 'update $set of an array of arrays element', schema: { g: { type: 'Array', of: { type: 'Array', of: { type: 'Number' } } } }, update: { $set: { 'g.0': ['1', 'x'] } } },
  { name: 'update $set of a Mixed path', schema: { x: { type: 'Mixed' } }, update: { $set: { x: { a: '1' } } } },
  { name: 'update $set of a required Mixed path to null', schema: { x: { type: 'Mixed', required: true } }, update: { $set: { x: null } } },
  { name: 'update $set of an array of subdocuments element field failing enum', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { k: { type: 'String', enum: ['a'] } } } } }, update: { $set: { 'items.2.k': 'b' } } },
  { name: 'update $addToSet of a whole array', schema: profile, update: { $addToSet: { nums: ['1', '2'] } } },
  { name: 'update $push $each $sort by a subdocument field', schema: profile, update: { $push: { items: { $each: [{ sku: 'b', qty: '2' }], $sort: { qty: -1 }, $slice: 3 } } } },
  { name: 'update $set of a date to a number', schema: profile, update: { $set: { at: 1714557600000 } } },
  { name: 'update $set of a Boolean from a number string', schema: order, update: { $set: { paid: '0' } } },
  { name: 'update $set of an ObjectId from an object with _id', schema: order, update: { $set: { customer: { _id: '64b7f0c2a1b2c3d4e5f60718' } } } },
  { name: 'update $setOnInsert of a required path to null', schema: profile, update: { $setOnInsert: { name: null } } },
  { name: 'update $set with a custom validator on an array element', schema: { ns: { type: 'Array', of: { type: 'Number', validate: { fn: 'even', message: '{PATH} odd {VALUE}' } } } }, update: { $set: { ns: [2, 3] } } },
  { name: 'update $push with a custom validator on an array element', schema: { ns: { type: 'Array', of: { type: 'Number', validate: { fn: 'even', message: '{PATH} odd {VALUE}' } } } }, update: { $push: { ns: 3 } } },
  { name: 'update $set of a subdocument field with a throwing validator', schema: { s: { type: 'Subdoc', schema: { c: { type: 'String', validate: { fn: 'throws' } } } } }, update: { $set: { 's.c': 'x' } } },
  { name: 'update $set of an alias', schema: { a: { type: 'String', alias: 'nick', minlength: 3 } }, update: { $set: { nick: 'x' } } },

  // documents: more casting corners
  { name: 'Int32 from a numeric string with spaces and exponent', schema: { a: { type: 'Int32' }, b: { type: 'Int32' } }, input: { a: ' 7 ', b: '1e3' } },
  { name: 'Double from Infinity and hex strings', schema: { a: { type: 'Double' }, b: { type: 'Double' } }, input: { a: 'Infinity', b: '0x10' } },
  { name: 'BigInt from a boolean and a float string', schema: { a: { type: 'BigInt' }, b: { type: 'BigInt' } }, input: { a: true, b: '1.0' } },
  { name: 'UUID from bytes-like array', schema: { u: { type: 'UUID' } }, input: { u: [1, 2] } },
  { name: 'UUID without dashes', schema: { u: { type: 'UUID' } }, input: { u: '09190f703d3011e588140f4df9a59c41' } },
  { name: 'Int32 from negative zero and null string', schema: { a: { type: 'Int32' }, b: { type: 'Int32' } }, input: { a: -0, b: 'null' } },
  { name: 'Decimal128 from an exponent string and negative zero', schema: { a: { type: 'Decimal128' }, b: { type: 'Decimal128' } }, input: { a: '1e-3', b: '-0' } },
  { name: 'String array with null and number elements', schema: { ss: { type: 'Array', of: { type: 'String', lowercase: true } } }, input: { ss: [null, 5, 'AB'] } },
  { name: 'subdocument with an array field given a scalar', schema: { s: { type: 'Subdoc', schema: { ns: { type: 'Array', of: { type: 'Number' } } } } }, input: { s: { ns: '4' } } },
  { name: 'map of subdocuments with a cast error and strict drop', schema: { m: { type: 'Map', of: { type: 'Subdoc', schema: { n: { type: 'Number' } } } } }, input: { m: { a: { n: 'x', z: 1 } } } },
  { name: 'map of booleans', schema: { m: { type: 'Map', of: { type: 'Boolean' } } }, input: { m: { a: 'yes', b: 0, c: 'maybe' } } },
  { name: 'array of Mixed keeps elements', schema: { xs: { type: 'Array', of: { type: 'Mixed' } } }, input: { xs: [1, 'a', { b: [2] }, null] } },
  { name: 'required String inside a map of subdocuments', schema: { m: { type: 'Map', of: { type: 'Subdoc', schema: { k: { type: 'String', required: true } } } } }, input: { m: { a: {} } } },
  { name: 'custom validator on a subdocument array element field', schema: { items: { type: 'Array', of: { type: 'Subdoc', schema: { c: { type: 'String', validate: { fn: 'codePrefix', message: '{PATH}={VALUE}' } } } } } }, input: { items: [{ c: 'C-1' }, { c: 'x' }] } },
  { name: 'enum on a trimmed uppercase string', schema: { s: { type: 'String', trim: true, uppercase: true, enum: ['AB'] } }, input: { s: ' ab ' } },
  { name: 'maxlength and enum on one path both fail: first wins', schema: { s: { type: 'String', enum: ['a'], maxlength: 1 } }, input: { s: 'bcd' } },
  { name: 'required and minlength on an empty string', schema: { s: { type: 'String', required: true, minlength: 2 } }, input: { s: '' } },

  // updates: more operand shapes
  { name: 'update $set Double from a hex string', schema: { d: { type: 'Double' } }, update: { $set: { d: '0x10' } } },
  { name: 'update $set of a whole array of subdocuments with a non-object', schema: profile, update: { $set: { items: [{ sku: 'a' }, 5] } } },
  { name: 'update $set of a map of subdocuments value', schema: { m: { type: 'Map', of: { type: 'Subdoc', schema: { n: { type: 'Number', min: 0 } } } } }, update: { $set: { 'm.k': { n: -1 } } } },
  { name: 'update $set of a field of a map subdocument', schema: { m: { type: 'Map', of: { type: 'Subdoc', schema: { n: { type: 'Number', min: 0 } } } } }, update: { $set: { 'm.k.n': '-2' } } },
  { name: 'update $inc of a map value', schema: order, update: { $inc: { 'meta.a': '2' } } },
  { name: 'update $max of a Decimal128', schema: order, update: { $max: { total: '3.5' } } },
  { name: 'update $set of a Boolean array from strings', schema: { bs: { type: 'Array', of: { type: 'Boolean' } } }, update: { $set: { bs: ['yes', 'no'] } } },
  { name: 'update $pull of a whole subdocument', schema: profile, update: { $pull: { items: { sku: 'a', qty: '2' } } } },
  { name: 'update $pullAll of subdocuments', schema: profile, update: { $pullAll: { items: [{ sku: 'a' }] } } },
  { name: 'update $pullAll of subdocuments casts their fields', schema: profile, update: { $pullAll: { items: [{ sku: 'a', qty: '2' }, { sku: 'b' }] } } },
  { name: 'update $pullAll of a subdocument with a bad field', schema: profile, update: { $pullAll: { items: [{ qty: 'x', sku: 'a' }] } } },
  { name: 'update $pullAll of a subdocument with an unknown field', schema: profile, update: { $pullAll: { items: [{ sku: 'a', nope: 1 }] } } },
  { name: 'update $setOnInsert of a whole subdocument', schema: profile, update: { $setOnInsert: { address: { city: 'P', zip: '12345' } } } },
  { name: 'update $unset of an array element index', schema: profile, update: { $unset: { 'nums.0': 1 } } },
  { name: 'update $set UUID array', schema: { us: { type: 'Array', of: { type: 'UUID' } } }, update: { $set: { us: ['09190f70-3d30-11e5-8814-0f4df9a59c41', 'x'] } } },

  // many errors at once
  { name: 'every failure reported at once', schema: order, input: { customer: 'bad', items: [{ qty: 0 }], nums: ['x'], placedAt: 'never', paid: 'maybe', note: 'a' } },
];

// The named schemas: parity_test.go also declares each as a tagged Go
// struct and runs their cases through it.
// Model names whose default collection name (Mongoose's pluralize) the
// fixtures record; TestDefaultCollectionNames compares odm with them.
const modelNames = [
  'User', 'Order', 'OrderHistory', 'AuditLog', 'Person', 'Entry', 'Status', 'Analytics',
  'Child', 'Ox', 'Box', 'Axis', 'Testis', 'Octopus', 'Cactus', 'Focus', 'Virus', 'Alias', 'Bus',
  'Tomato', 'Potato', 'Buffalo', 'Medium', 'Datum', 'Analysis', 'Thesis', 'Knife', 'Wife', 'Life',
  'Leaf', 'Half', 'Wolf', 'Safe', 'Chief', 'Roof', 'Hive', 'Archive', 'Category', 'Query', 'Day',
  'Key', 'Toy', 'Match', 'Address', 'Wish', 'Index', 'Matrix', 'Vertex', 'Apex', 'Mouse',
  'Louse', 'Quiz', 'Goose', 'Mongoose', 'Fish', 'Sheep', 'Moose', 'Deer', 'News', 'Media',
  'Money', 'Series', 'Species', 'Information', 'Equipment', 'Human', 'Superhuman', 'Man',
  'Woman', 'Fireman', 'Item2', 'Item_', 'Café', 'Ünits', 'ORDER', 'LineItem', 'indexes',
];

module.exports = { cases, modelNames, schemas: { product, user, order, tagged, profile, shipment } };
