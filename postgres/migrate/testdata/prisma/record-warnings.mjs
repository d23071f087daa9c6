// Records the data-loss warnings and unexecutable steps Prisma 7's schema
// engine finds for a change on a database that holds rows, for the Go
// tests of postgres/migrate (testdata/warnings/<case>):
//
//   from.prisma   the schema pushed first (force)
//   seed.sql      rows inserted then (may be empty)
//   to.prisma     the schema pushed next without force: nothing runs when
//                 the engine warns or finds an unexecutable step
//   prisma.warnings.json  {"warnings": [...], "unexecutable": [...]}
//
// The engine's checks are the ones prisma migrate dev prints before it
// applies a migration and prisma db push before it pushes; the WebAssembly
// engine has no shadow database, so they are recorded through schemaPush.
//
// Usage (from the repository root, after npm ci in this folder):
//   node --experimental-wasm-modules --no-warnings \
//     postgres/migrate/testdata/prisma/record-warnings.mjs postgres/migrate/testdata/warnings/*
// It uses (and empties) the database polystore_prisma_warnings.
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { SchemaEngine } from '@prisma/schema-engine-wasm'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'

// The engine describes the database with catalog queries that return the
// one-byte "char" type (OID 18), which @prisma/adapter-pg does not map:
// report it as text, which is what its value is.
const query = pg.Client.prototype.query
const asText = (r) => {
  for (const f of r?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25
  return r
}
pg.Client.prototype.query = function (...args) {
  const cb = args.length && typeof args[args.length - 1] === 'function' ? args.pop() : null
  if (cb) return query.call(this, ...args, (err, r) => cb(err, asText(r)))
  const res = query.apply(this, args)
  if (!res || typeof res.then !== 'function') return res
  return res.then(asText)
}

const base = process.env.DATABASE_URL || process.env.POLYSTORE_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = 'polystore_prisma_warnings'
const admin = new pg.Client({ connectionString: base })
await admin.connect()
const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])
if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${dbName}`)
await admin.end()
const u = new URL(base)
u.pathname = '/' + dbName
const url = u.toString()

const filters = { externalTables: [], externalEnums: [] }
const read = (dir, name) => fs.readFileSync(path.join(dir, name), 'utf8')

for (const dir of process.argv.slice(2)) {
  if (!fs.existsSync(path.join(dir, 'from.prisma'))) continue
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public')
  const from = read(dir, 'from.prisma'), to = read(dir, 'to.prisma')
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: url }))
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', from]] }, () => {}, adapter)
  const files = (content) => ({ files: [{ path: 'schema.prisma', content }] })
  await engine.schemaPush({ force: true, schema: files(from), filters })
  const seed = path.join(dir, 'seed.sql')
  if (fs.existsSync(seed)) await client.query(fs.readFileSync(seed, 'utf8'))
  const res = await engine.schemaPush({ force: false, schema: files(to), filters })
  fs.writeFileSync(path.join(dir, 'prisma.warnings.json'),
    JSON.stringify({ warnings: res.warnings, unexecutable: res.unexecutable }, null, 2) + '\n')
  await client.end()
  console.log(`${dir}: recorded (${res.warnings.length} warnings, ${res.unexecutable.length} unexecutable)`)
}
process.exit(0)
