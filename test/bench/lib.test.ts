import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredRow, parseBenchCsv } from '../../bench/lib.js';

// What redis-benchmark 7.0 prints for `-t lrange_600 --csv`: the LPUSH that fills the
// list comes first.
const LRANGE_OUTPUT = [
  '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
  '"LPUSH (needed to benchmark LRANGE)","400000.00","1.686","0.248","1.583","3.183","3.839","6.095"',
  '"LRANGE_600 (first 600 elements)","11454.75","23.510","1.384","21.023","48.543","58.943","75.135"',
].join('\n');

test('an LRANGE benchmark reports the LRANGE row, not the LPUSH that fills its list', () => {
  const row = measuredRow(parseBenchCsv(LRANGE_OUTPUT));
  assert.equal(row?.test, 'LRANGE_600 (first 600 elements)');
  assert.equal(row?.rps, 11454.75);
  assert.equal(row?.latencyMs.get('p99_latency_ms'), 58.943);
});

test('a single-row benchmark reports its only row', () => {
  const lines = LRANGE_OUTPUT.split('\n');
  const row = measuredRow(
    parseBenchCsv([lines[0], '"SET","80000.00","0.3","0.1","0.3","0.5","0.7","2.0"'].join('\n')),
  );
  assert.equal(row?.test, 'SET');
  assert.equal(row?.rps, 80000);
});
