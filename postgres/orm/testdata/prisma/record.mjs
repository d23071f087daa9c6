// Records Prisma 7's answers to the cases of cases.json, so that
// postgres/orm's TestPrismaParity compares polystore with them without Node.
// Each case runs on fresh tables (parity.sql) in the database
// polystore_prisma_parity, and its answer is written to answers.json:
// {"result": ...} or {"error": {"name", "code", "meta", "message"}}. Values are
// written as JSON with Prisma's types made explicit where JSON has none:
// a Date is its ISO string, a Decimal {"$decimal": "1.5"}, a BigInt
// {"$bigint": "9007199254740993"}, Bytes {"$bytes": base64}.
//
// Usage (from the repository root): make prisma-query-fixtures, or
//   cd postgres/orm/testdata/prisma && npm ci && prisma generate && node record.mjs
// (ONLY=case1,case2 node record.mjs records just those cases).
import fs from 'node:fs'
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient, Prisma } from './generated/index.js'

const base = process.env.POLYSTORE_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = 'polystore_prisma_parity'
const admin = new pg.Client({ connectionString: base })
await admin.connect()
await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
await admin.query(`CREATE DATABASE ${dbName}`)
await admin.end()
const u = new URL(base)
u.pathname = '/' + dbName
const url = u.toString()

const ddl = fs.readFileSync(new URL('./parity.sql', import.meta.url), 'utf8')
const cases = JSON.parse(fs.readFileSync(new URL('./cases.json', import.meta.url), 'utf8'))
const raw = new pg.Client({ connectionString: url })
await raw.connect()
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) })

function plain(v) {
  if (v === null || v === undefined) return v ?? null
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  if (v instanceof Date) return v.toISOString()
  if (Prisma.Decimal.isDecimal(v)) return { $decimal: v.toString() }
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') }
  if (Array.isArray(v)) return v.map(plain)
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
  return v
}

// Inputs: {"$bigint": "1"}, {"$bytes": base64} and {"$dbnull": true} become
// the JS values (a BigInt, a Uint8Array, Prisma.DbNull), and so do the
// typed values of Prisma's JSON protocol: {"$type": "BigInt" | "Decimal" |
// "DateTime" | "Bytes", "value": ...}, {"$type": "Enum", "value":
// "DbNull" | "JsonNull" | "AnyNull"} and {"$type": "FieldRef", ...} (fieldRef).
function input(v) {
  if (Array.isArray(v)) return v.map(input)
  if (v && typeof v === 'object') {
    if ('$bigint' in v) return BigInt(v.$bigint)
    if ('$bytes' in v) return new Uint8Array(Buffer.from(v.$bytes, 'base64'))
    if ('$dbnull' in v) return Prisma.DbNull
    if ('$type' in v && 'value' in v && Object.keys(v).length === 2) {
      switch (v.$type) {
        case 'BigInt': return BigInt(v.value)
        case 'Decimal': return new Prisma.Decimal(v.value)
        case 'DateTime': return new Date(v.value)
        case 'Bytes': return new Uint8Array(Buffer.from(v.value, 'base64'))
        case 'Enum': return Prisma[v.value]
      }
    }
    if (v.$type === 'FieldRef' && Object.keys(v).length === 2) return fieldRef(v.value)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, input(x)]))
  }
  return v
}

// fieldRef turns Prisma's JSON protocol form of a field reference,
// {"$type": "FieldRef", "value": {"_ref": "price", "_container": "Book"}},
// into prisma.book.fields.price. A field the model does not have (the
// client's types would refuse it) is built with the class of the others,
// so that the engine's own answer to it is recorded.
function fieldRef({ _ref: name, _container: container }) {
  const fields = prisma[container[0].toLowerCase() + container.slice(1)].fields
  if (fields[name] !== undefined) return fields[name]
  const FieldRef = Object.getPrototypeOf(prisma.author.fields.id).constructor
  return new FieldRef(container, name, 'Int', false, false)
}

// clients holds a client per clientOmit (Prisma's global omit, the
// PrismaClient option) met among the cases.
const clients = new Map()
function clientFor(c) {
  if (!c.clientOmit) return prisma
  const key = JSON.stringify(c.clientOmit)
  if (!clients.has(key)) {
    clients.set(key, new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), omit: c.clientOmit }))
  }
  return clients.get(key)
}

// run performs one case: an operation of a model, or (model "$") the
// client's $queryRawUnsafe (args: [sql, ...params]), tagged $queryRaw or
// $executeRaw (args: [strings, ...values]), a batch $transaction (args: a
// list of {model, op, args}, all or nothing) or an interactive one
// ($transactionInteractive, args: {steps, throw}). A case
// with clientOmit runs on a client made with that global omit.
function run(c) {
  const prisma = clientFor(c)
  if (c.model === '$') {
    switch (c.op) {
      case '$queryRawUnsafe': return prisma.$queryRawUnsafe(...input(c.args))
      case '$executeRawUnsafe': return prisma.$executeRawUnsafe(...input(c.args))
      case '$transaction': return prisma.$transaction(c.args.map((s) => prisma[s.model][s.op](input(s.args))))
      // An interactive transaction: args.steps run one after the other on
      // tx; args.throw, when set, is thrown once they are done (the
      // transaction rolls back and the error comes back unchanged).
      case '$transactionInteractive': return prisma.$transaction(async (tx) => {
        const out = []
        for (const s of c.args.steps) out.push(await tx[s.model][s.op](input(s.args)))
        if (c.args.throw) throw new Error(c.args.throw)
        return out
      })
      // Tagged $queryRaw and $executeRaw: args is [strings, ...values], the
      // template's strings and the values between them.
      case '$queryRaw': return prisma.$queryRaw(Prisma.sql(c.args[0], ...input(c.args.slice(1))))
      case '$executeRaw': return prisma.$executeRaw(Prisma.sql(c.args[0], ...input(c.args.slice(1))))
    }
  }
  return prisma[c.model][c.op](input(c.args))
}

// ONLY=name,name records just those cases, keeping the other answers.
const only = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null
const answers = only ? JSON.parse(fs.readFileSync(new URL('./answers.json', import.meta.url), 'utf8')) : {}
for (const c of cases) {
  if (only && !only.has(c.name)) continue
  await raw.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;')
  await raw.query(ddl)
  let answer
  try {
    const res = await run(c)
    answer = { result: plain(res) }
  } catch (e) {
    const error = { name: e.constructor.name, code: e.code ?? null, meta: plain(e.meta ?? null) }
    // A known request error's message ends with Prisma's text for it; a
    // validation error's with its paragraph after the "Invalid
    // `prisma.x.y()` invocation:" header and the rendered arguments.
    if (e.code) error.message = e.message.trim().split('\n').pop()
    else if (e.constructor.name === 'PrismaClientValidationError') error.message = e.message.trim().split('\n\n').pop()
    else if (e.constructor.name === 'Error') error.message = e.message
    answer = { error }
    if (process.env.VERBOSE) console.error(c.name, e.message)
  }
  // after: a read run once the case is done, success or not (what a
  // failed write or transaction left behind).
  if (c.after) answer.after = plain(await run(c.after))
  answers[c.name] = answer
}
await prisma.$disconnect()
for (const cl of clients.values()) await cl.$disconnect()
await raw.end()
const ordered = Object.fromEntries(cases.filter((c) => c.name in answers).map((c) => [c.name, answers[c.name]]))
fs.writeFileSync(new URL('./answers.json', import.meta.url), JSON.stringify(ordered, null, 1) + '\n')
console.log(`${only ? only.size : cases.length} cases recorded`)
