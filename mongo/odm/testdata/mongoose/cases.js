'use strict';

// The parity cases: a schema in a small JSON notation both generate.js
// (Mongoose) and parity_test.go (odm) understand, and an input document.
//
// Path spec: {type, ...options}
//   type: String | Number | Boolean | Date | ObjectId | Decimal128 | Mixed
//         | Subdoc (schema: {...}) | Array (of: spec) | Map (of: spec)
//   required: true | "message"
//   min, max, minlength, maxlength: value | {value, message}; dates as {$date: iso}
//   enum: [values] | {values, message}
//   match: "regexp" | {value: "regexp", message}
//   validate: {fn: name in validators.js, message}
//   default: value ({$date: iso} for dates)
//   trim, lowercase, uppercase: true
// Case: {name, schema: {path: spec}, strict: true | false | "throw", input}

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

const oid = '64b7f0c2a1b2c3d4e5f60718';
const long = 'x'.repeat(101);

module.exports = [
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

  // many errors at once
  { name: 'every failure reported at once', schema: order, input: { customer: 'bad', items: [{ qty: 0 }], nums: ['x'], placedAt: 'never', paid: 'maybe', note: 'a' } },
];
