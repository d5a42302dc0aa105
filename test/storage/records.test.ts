import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer } from '../../src/raft/codec.js';
import { RecordType, compactionOf, decodeRecord, writeEntries } from '../../src/storage/records.js';
import { ents } from './helpers.js';

function entriesBody(group: number, from: number, to: number): Uint8Array {
  const w = new Writer(256);
  w.u8(RecordType.Entries);
  writeEntries(w, group, ents(from, to, 1, group));
  return w.finish();
}

test('an Entries record decodes its entries at or below the floor without their data', () => {
  const rec = decodeRecord(entriesBody(2, 1, 5), (group) => (group === 2 ? 3 : 0));
  assert.equal(rec.type, RecordType.Entries);
  if (rec.type !== RecordType.Entries) return;
  assert.deepEqual(
    rec.entries.map((e) => [e.index, e.term, e.data.length > 0]),
    [
      [1, 1, false],
      [2, 1, false],
      [3, 1, false],
      [4, 1, true],
      [5, 1, true],
    ],
  );
  assert.deepEqual(rec.entries[3]?.data, ents(4, 4, 1, 2)[0]?.data);
});

test('compactionOf reads what Compact and Snapshot records drop, and nothing else', () => {
  const compact = new Writer(64);
  compact.u8(RecordType.Compact).u32(7).u64(42).u64(3);
  assert.deepEqual(compactionOf(compact.finish()), { group: 7, index: 42, restart: false });
  assert.equal(compactionOf(entriesBody(1, 1, 2)), null);
});
