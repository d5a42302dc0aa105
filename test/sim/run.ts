// `npm run sim -- --seed N` replays one seeded simulation and prints its fault log;
// `npm run sim -- --seeds K [--from S]` runs K seeds and prints each failure with the
// command that replays it. Exits 1 when any seed finds a violation.
import { parseArgs } from 'node:util';
import { DEFAULT_SCENARIO, runScenario, type ScenarioResult } from './scenario.js';

function describe(r: ScenarioResult): string {
  const shape = `${r.nodes} nodes x ${r.groups} groups, ${r.faults} faults, ${r.quiesces} quiesces, ${r.operations} ops`;
  const lin = r.linearizability === 'ok' ? 'linearizable' : 'linearizability unknown (budget)';
  return `seed ${r.seed}: ${r.violations.length === 0 ? 'ok' : 'VIOLATION'} (${shape}, ${lin})`;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string', default: '100' },
      from: { type: 'string', default: '1' },
      'fault-ms': { type: 'string', default: String(DEFAULT_SCENARIO.faultMs) },
    },
  });
  const options = { ...DEFAULT_SCENARIO, faultMs: Number(values['fault-ms']) };
  if (values.seed !== undefined) {
    const r = runScenario(Number(values.seed), { ...options, log: (line) => console.log(line) });
    console.log(describe(r));
    for (const v of r.violations) console.log(`  ${v}`);
    return r.violations.length === 0 ? 0 : 1;
  }
  const from = Number(values.from);
  const count = Number(values.seeds);
  let failed = 0;
  const started = Date.now();
  for (let seed = from; seed < from + count; seed++) {
    const r = runScenario(seed, options);
    if (r.violations.length > 0) {
      failed++;
      console.log(describe(r));
      for (const v of r.violations.slice(0, 5)) console.log(`  ${v}`);
      console.log(`  replay: npm run sim -- --seed ${seed}`);
    }
    const done = seed - from + 1;
    if (done % 50 === 0 || done === count) {
      const rate = (done / ((Date.now() - started) / 1000)).toFixed(1);
      console.error(`${done}/${count} seeds, ${failed} failed (${rate} seeds/s)`);
    }
  }
  console.log(`${count} seeds from ${from}: ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
