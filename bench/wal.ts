// The write-ahead log's hot path on the real disk: `node dist/bench/wal.js [flags]`.
//
// For each sync policy (always, everysec, no) and each group count (1, 100), appends
// `--entries` entries of `--bytes` bytes: every event-loop turn saves `--per-turn` entries
// spread over the groups (each group's share with its hard state), then calls flush()
// without waiting, as the node's Ready loop does. A flush issued while one is in flight
// shares the next write and fsync (group commit). Prints entries/s, fsyncs/s, writes/s and
// the p50/p99 time from a flush() call to its done. Temp dirs go under /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EntryType, type Entry } from '../src/raft/types.js';
import { NodeFileSystem } from '../src/storage/node-file-system.js';
import { Wal, type SyncPolicy } from '../src/storage/wal.js';

interface Options {
  entries: number;
  bytes: number;
  perTurn: number;
  groups: number[];
  policies: SyncPolicy[];
}

interface Result {
  seconds: number;
  syncs: number;
  writes: number;
  latenciesMs: number[];
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '100000' },
      bytes: { type: 'string', default: '100' },
      'per-turn': { type: 'string', default: '100' },
      groups: { type: 'string', default: '1,100' },
      policies: { type: 'string', default: 'always,everysec,no' },
    },
  });
  return {
    entries: Number(values.entries),
    bytes: Number(values.bytes),
    perTurn: Number(values['per-turn']),
    groups: values.groups.split(',').map(Number),
    policies: values.policies.split(',') as SyncPolicy[],
  };
}

function run(o: Options, policy: SyncPolicy, groups: number): Promise<Result> {
  const dir = mkdtempSync('/tmp/aikv-wal-bench-');
  const wal = Wal.open({ fs: new NodeFileSystem(), dir, policy, now: () => performance.now() });
  const timer = setInterval(() => wal.syncIfDue(), 100);
  const payload = new Uint8Array(o.bytes).fill(120);
  const next = new Array<number>(groups + 1).fill(1);
  const latenciesMs: number[] = [];
  let saved = 0;
  let acked = 0;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      const seconds = (performance.now() - start) / 1000;
      const { syncs, writes } = wal.stats;
      clearInterval(timer);
      wal.close((err) => {
        rmSync(dir, { recursive: true, force: true });
        if (err !== null) return reject(err);
        resolve({ seconds, syncs, writes, latenciesMs });
      });
    };
    const turn = (): void => {
      const count = Math.min(o.perTurn, o.entries - saved);
      for (let g = 1; g <= groups; g++) {
        const share = Math.floor(count / groups) + (g <= count % groups ? 1 : 0);
        if (share === 0) continue;
        const first = next[g] ?? 1;
        const entries: Entry[] = [];
        for (let i = 0; i < share; i++) {
          entries.push({ term: 1, index: first + i, type: EntryType.Normal, data: payload });
        }
        next[g] = first + share;
        wal.save(g, { entries, hardState: { term: 1, vote: 1, commit: first + share - 1 } });
      }
      saved += count;
      const issued = performance.now();
      wal.flush((err) => {
        if (err !== null) return reject(err);
        latenciesMs.push(performance.now() - issued);
        acked += count;
        if (acked === o.entries) finish();
      });
      if (saved < o.entries) setImmediate(turn);
    };
    turn();
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function main(): Promise<void> {
  const o = parseOptions();
  console.log(
    `WAL on /tmp: ${o.entries} entries of ${o.bytes} B, ${o.perTurn} per event-loop turn, node ${process.version}`,
  );
  console.log('policy    groups   entries/s   fsyncs/s   writes/s   flush p50 ms   flush p99 ms');
  for (const policy of o.policies) {
    for (const groups of o.groups) {
      const r = await run(o, policy, groups);
      const sorted = r.latenciesMs.sort((a, b) => a - b);
      const cells = [
        policy.padEnd(8),
        String(groups).padStart(6),
        Math.round(o.entries / r.seconds)
          .toLocaleString('en-US')
          .padStart(11),
        Math.round(r.syncs / r.seconds)
          .toLocaleString('en-US')
          .padStart(10),
        Math.round(r.writes / r.seconds)
          .toLocaleString('en-US')
          .padStart(10),
        percentile(sorted, 50).toFixed(2).padStart(14),
        percentile(sorted, 99).toFixed(2).padStart(14),
      ];
      console.log(cells.join(' '));
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
