// `npm run bench:floor`: how close to redis-server a Node.js server can get at all.
// Runs redis-benchmark (SET, GET; -c 50; -P 1 and -P 16) against redis-server, against
// bench/floor-server.ts (node:net and a RESP responder, nothing else) and against AiKv,
// alternately in one run, and reports each side's requests/s and CPU per request.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AIKV_NODE_FLAGS,
  formatNumber,
  freePort,
  machineLines,
  markdownTable,
  redisBenchmark,
  ROOT,
  runMain,
  startProcess,
  startServer,
  tempDir,
  textTable,
  waitPing,
} from './lib.js';
import { readFileSync } from 'node:fs';

interface Target {
  name: string;
  port: number;
  pid: number;
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startFloor(): Promise<Target & { stop(): void }> {
  const port = await freePort();
  const log = join(tempDir('aikv-floor-'), 'floor.log');
  const script = join(ROOT, 'dist', 'bench', 'floor-server.js');
  const child = startProcess(process.execPath, [...AIKV_NODE_FLAGS, script, `${port}`], log);
  await waitPing(child, port, log);
  if (child.pid === undefined) throw new Error('floor server has no pid');
  return { name: 'node floor', port, pid: child.pid, stop: () => child.kill() };
}

interface Measured {
  rps: number;
  cpuUsPerRequest: number;
}

async function measure(
  t: Target,
  test: string,
  pipeline: number,
  requests: number,
): Promise<Measured> {
  const before = cpuSeconds(t.pid);
  const row = await redisBenchmark({
    port: t.port,
    test,
    clients: 50,
    pipeline,
    requests,
    randomKeys: 100_000,
    dataSize: 16,
  });
  return { rps: row.rps, cpuUsPerRequest: ((cpuSeconds(t.pid) - before) * 1e6) / requests };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '400000' } } });
  const requests = Number(values.requests);
  const redis = await startServer('redis');
  const aikv = await startServer('aikv');
  const floor = await startFloor();
  const targets: Target[] = [
    { name: 'redis', port: redis.port, pid: redis.pid },
    floor,
    { name: 'aikv', port: aikv.port, pid: aikv.pid },
  ];
  const header = [
    'test',
    'pipeline',
    ...targets.flatMap((t) => [`${t.name} rps`, `${t.name} CPU us/req`]),
  ];
  header.push('floor/redis', 'aikv/redis');
  const rows: string[][] = [];
  for (const test of ['set', 'get']) {
    for (const pipeline of [1, 16]) {
      const n = requests * (pipeline === 1 ? 0.25 : 1);
      const results: Measured[] = [];
      for (const t of targets) results.push(await measure(t, test, pipeline, n));
      const [r, f, a] = results as [Measured, Measured, Measured];
      const cells = results.flatMap((m) => [formatNumber(m.rps), m.cpuUsPerRequest.toFixed(1)]);
      rows.push([
        test.toUpperCase(),
        `-P ${pipeline}`,
        ...cells,
        `${(f.rps / r.rps).toFixed(2)}x`,
        `${(a.rps / r.rps).toFixed(2)}x`,
      ]);
      console.log(textTable(header, rows.slice(-1)));
    }
  }
  await Promise.all([redis.stop(), aikv.stop()]);
  floor.stop();
  console.log(`\n${textTable(header, rows)}\n`);
  console.log([...(await machineLines()), ''].join('\n'));
  console.log(markdownTable(header, rows));
}

runMain(main);
