// Prisma 7 (engine-free client with @prisma/adapter-pg) on the database of
// bench/orm: the same schema (schema.prisma, from bench/orm/gendb), the same
// rows and the same four operations as BenchmarkClient.
//
//   DATABASE_URL=postgres://... USER_ID=1 node bench.mjs [seconds per op]
//
// Prints one JSON object per operation on stdout:
//   {"op":"FindUnique","n":1234,"nsPerOp":81234.5,"cpuNsPerOp":60321.2,"heapBytesPerOp":5120}
// nsPerOp is wall time; cpuNsPerOp the process's CPU time (user + system,
// all of Node's threads), the client-side cost, which a loaded machine
// distorts less than wall time.
// bench/orm reads them (BenchmarkClient/op=.../impl=prisma).
import pkg from './generated/index.js';
import { PrismaPg } from '@prisma/adapter-pg';

const { PrismaClient } = pkg;
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const userId = Number(process.env.USER_ID ?? '1');
const seconds = Number(process.argv[2] ?? '2');
const only = process.env.OPS ? new Set(process.env.OPS.split(',')) : null;

const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });

function check(ok, msg) {
  if (!ok) throw new Error(msg);
}

const ops = {
  async FindUnique() {
    const u = await prisma.user.findUnique({ where: { id: userId } });
    check(u && u.id === userId, 'findUnique');
  },
  async FindMany100() {
    const us = await prisma.user.findMany({ orderBy: { id: 'asc' }, take: 100 });
    check(us.length === 100, 'findMany');
  },
  async Include() {
    const us = await prisma.user.findMany({
      orderBy: { id: 'asc' },
      take: 100,
      include: { posts: { include: { comments: true } } },
    });
    let posts = 0;
    let comments = 0;
    for (const u of us) {
      posts += u.posts.length;
      for (const p of u.posts) comments += p.comments.length;
    }
    check(us.length === 100 && posts === 300 && comments === 600, `include: ${us.length} ${posts} ${comments}`);
  },
  async CreateMany1000() {
    const data = new Array(1000);
    for (let i = 0; i < 1000; i++) data[i] = { owner: 'owner', balance: BigInt(i) };
    const r = await prisma.account.createMany({ data });
    check(r.count === 1000, 'createMany');
  },
};

async function measure(name, fn) {
  // Warm up: connections, the query compiler's caches, the JIT.
  const warm = Date.now() + Math.min(1000, seconds * 250);
  while (Date.now() < warm) await fn();
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let n = 0;
  let now = start;
  while (now < end) {
    await fn();
    n++;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  const heap1 = process.memoryUsage().heapUsed;
  return {
    op: name,
    n,
    nsPerOp: Number(now - start) / n,
    cpuNsPerOp: ((cpu.user + cpu.system) * 1000) / n,
    heapBytesPerOp: Math.max(0, (heap1 - heap0) / n),
  };
}

try {
  for (const [name, fn] of Object.entries(ops)) {
    if (only && !only.has(name)) continue;
    console.log(JSON.stringify(await measure(name, fn)));
  }
} finally {
  await prisma.$disconnect();
}
