// Records Prisma 7's reference outputs for polystore's golden schemas, so
// the Go tests compare against them without Node:
//
//   prisma.formatted.prisma  what `prisma format` writes
//   prisma.dmmf.json         the parts of the DMMF the Go tests compare
//   prisma.sql               the migration `prisma migrate diff --from-empty
//                            --to-schema <schema> --script` writes
//   prisma.error.txt         Prisma's validation error (P1012), when it rejects
//                            the schema (then nothing else is recorded)
//
// A DIR holding from.prisma and to.prisma instead is a migration between
// two schemas: prisma.sql is then what `prisma migrate diff --from-schema
// from.prisma --to-schema to.prisma --script` writes.
//
// Usage (from the repository root): make prisma-fixtures, or
//   node --experimental-wasm-modules record.mjs DIR...
// where each DIR holds schema.prisma or a schema/ folder of .prisma files.
import fs from 'node:fs'
import path from 'node:path'
import * as psw from '@prisma/prisma-schema-wasm'
import { SchemaEngine } from '@prisma/schema-engine-wasm'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'

function schemaFiles(dir) {
  const single = path.join(dir, 'schema.prisma')
  if (fs.existsSync(single)) return [['schema.prisma', fs.readFileSync(single, 'utf8')]]
  const folder = path.join(dir, 'schema')
  if (!fs.existsSync(folder)) return null
  return fs.readdirSync(folder, { recursive: true }).filter((f) => f.endsWith('.prisma')).sort()
    .map((f) => [path.join('schema', f), fs.readFileSync(path.join(folder, f), 'utf8')])
}

const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]))

function trimDMMF(dmmf) {
  const fieldKeys = ['name', 'dbName', 'kind', 'type', 'isRequired', 'isList', 'isUnique', 'isId', 'isReadOnly',
    'hasDefaultValue', 'default', 'isUpdatedAt', 'nativeType', 'relationName', 'relationFromFields',
    'relationToFields', 'relationOnDelete', 'relationOnUpdate', 'documentation']
  return {
    enums: dmmf.datamodel.enums.map((e) => pick(e, ['name', 'dbName', 'values', 'documentation'])),
    models: dmmf.datamodel.models.map((m) => ({
      ...pick(m, ['name', 'dbName', 'schema', 'documentation', 'primaryKey', 'uniqueFields', 'uniqueIndexes']),
      fields: m.fields.map((f) => pick(f, fieldKeys)),
    })),
  }
}

const url = process.env.DATABASE_URL || process.env.POLYSTORE_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: url }))
const fmtParams = JSON.stringify({ textDocument: { uri: 'file:/dev/null' }, options: { tabSize: 2, insertSpaces: true } })

const withoutURLs = (text) => text.replace(/^[ \t]*(url|directUrl|shadowDatabaseUrl)[ \t]*=.*\n/gm, '')

async function recordDiff(dir) {
  const side = (name) => {
    const content = withoutURLs(fs.readFileSync(path.join(dir, name), 'utf8'))
    psw.validate(JSON.stringify({ prismaSchema: [[name, content]], noColor: true }))
    return { tag: 'schemaDatamodel', files: [{ path: name, content }] }
  }
  const from = side('from.prisma'), to = side('to.prisma')
  const engine = await SchemaEngine.new({ datamodels: [['to.prisma', to.files[0].content]] }, () => {}, adapter)
  const res = await engine.diff({ from, to, script: true, exitCode: null, filters: { externalTables: [], externalEnums: [] } })
  fs.writeFileSync(path.join(dir, 'prisma.sql'), res.stdout ?? '')
  console.log(`${dir}: recorded (diff)`)
}

for (const dir of process.argv.slice(2)) {
  if (fs.existsSync(path.join(dir, 'from.prisma'))) {
    await recordDiff(dir)
    continue
  }
  const files = schemaFiles(dir)
  if (!files) continue
  // Prisma 7 takes connection URLs from prisma.config.ts and rejects them in
  // the schema; polystore still reads them there, so they are left out of
  // what the engines validate (the formatter sees the file as it is).
  const engineFiles = files.map(([p, text]) => [p, withoutURLs(text)])
  const out = (name, text) => fs.writeFileSync(path.join(dir, name), text)
  const errFile = path.join(dir, 'prisma.error.txt')
  try {
    psw.validate(JSON.stringify({ prismaSchema: engineFiles, noColor: true }))
  } catch (e) {
    out('prisma.error.txt', String(e.message ?? e) + '\n')
    console.log(`${dir}: rejected by Prisma`)
    continue
  }
  if (fs.existsSync(errFile)) fs.unlinkSync(errFile)
  const formatted = JSON.parse(psw.format(JSON.stringify(files), fmtParams))
  if (files.length === 1) out('prisma.formatted.prisma', formatted[0][1])
  else for (const [p, text] of formatted) out('prisma.' + p.replace(/^schema\//, '').replaceAll('/', '.').replace(/\.prisma$/, '.formatted.prisma'), text)
  if (!engineFiles.some(([, text]) => /^\s*datasource\s/m.test(text))) {
    console.log(`${dir}: accepted by Prisma (no datasource: no migration)`)
    continue
  }
  const dmmf = JSON.parse(psw.get_dmmf(JSON.stringify({ prismaSchema: engineFiles })))
  out('prisma.dmmf.json', JSON.stringify(trimDMMF(dmmf), null, 2) + '\n')
  const engine = await SchemaEngine.new({ datamodels: engineFiles }, () => {}, adapter)
  const res = await engine.diff({
    from: { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: engineFiles.map(([p, content]) => ({ path: p, content })) },
    script: true, exitCode: null, filters: { externalTables: [], externalEnums: [] },
  })
  out('prisma.sql', res.stdout ?? '')
  console.log(`${dir}: recorded`)
}
process.exit(0)
