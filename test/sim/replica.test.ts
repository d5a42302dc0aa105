import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_INTEGER } from '../../src/commands/errors.js';
import { encodeEntry } from '../../src/replication/entry-codec.js';
import type { LogEntry } from '../../src/replication/entry.js';
import { isError, type Reply } from '../../src/resp/reply.js';
import type { KvInput } from './linearizability.js';
import { kvArgv, kvOutput, SimReplica } from './replica.js';

const NO_CONF = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
};

/** A replica outside any group, fed entries by hand; `applied` lists the indexes it applied. */
function replica(applied: number[] = []): SimReplica {
  return new SimReplica({ applying: () => {}, applied: (index) => applied.push(index) });
}

function command(input: KvInput, time: number, seed = 1): LogEntry {
  return { kind: 'command', db: 0, argv: kvArgv(input), time, seed };
}

/** Applies `entries` from index 1 on, as a follower does (decoded from their bytes). */
function applyAll(r: SimReplica, entries: readonly LogEntry[]): Reply[] {
  return entries.map((e, i) => r.apply(i + 1, encodeEntry(e), undefined) as Reply);
}

test('client operations run as the real commands and their replies map to the model', () => {
  const r = replica();
  const inputs: KvInput[] = [
    { op: 'put', key: 'k', value: '41' },
    { op: 'incr', key: 'k', by: 1 },
    { op: 'append', key: 'k', value: 'x' },
    { op: 'incr', key: 'k', by: 1 },
    { op: 'swap', key: 'k', value: 'v' },
  ];
  const replies = applyAll(
    r,
    inputs.map((input) => command(input, 1000)),
  );
  const outputs = inputs.map((input, i) => kvOutput(input, replies[i] as Reply));
  assert.deepEqual(outputs, [
    { type: 'ok' },
    { type: 'int', value: 42 },
    { type: 'int', value: 3 },
    { type: 'error' },
    { type: 'value', value: '42x' },
  ]);
  // INCR on a value that is not an integer answers Redis's exact error.
  const incr = replies[3] as Reply;
  assert.ok(isError(incr) && incr.message === NOT_INTEGER.message);
  const get = r.read(['GET', 'k'], 1000, 1, () => {});
  assert.deepEqual(kvOutput({ op: 'get', key: 'k' }, get), { type: 'value', value: 'v' });
});

test('a reply a command cannot give is reported, not mapped', () => {
  assert.equal(typeof kvOutput({ op: 'get', key: 'k' }, 5), 'string');
  assert.equal(typeof kvOutput({ op: 'put', key: 'k', value: 'v' }, null), 'string');
  const wrongType = { kind: 'error', message: 'WRONGTYPE Operation against a key' } as const;
  assert.equal(typeof kvOutput({ op: 'incr', key: 'k', by: 1 }, wrongType), 'string');
});

test('SET ... PX counts from the entry time; a read at the deadline finds the key gone and reports it', () => {
  const r = replica();
  applyAll(r, [command({ op: 'put', key: 'k', value: 'v', ttlMs: 100 }, 5000)]);
  const expired: string[] = [];
  const at = (now: number): unknown => r.read(['GET', 'k'], now, 1, (_, key) => expired.push(key));
  assert.equal(at(5099), 'v');
  assert.deepEqual(expired, []);
  assert.equal(at(5100), null);
  assert.deepEqual(expired, ['k']);
  // The read only hid it: the leader's expiry entry deletes it on every replica.
  const expire: LogEntry = { kind: 'expire', db: 0, keys: ['k'], time: 5100 };
  assert.equal(r.apply(2, encodeEntry(expire), undefined), 1);
});

test('replicas that apply the same entries agree; one entry applied at another time shows', () => {
  const entries = [
    command({ op: 'put', key: 'a', value: '1', ttlMs: 50 }, 1000),
    command({ op: 'put', key: 'b', value: '2' }, 1010),
    command({ op: 'append', key: 'a', value: 'x' }, 1020),
  ];
  const [x, y, z] = [replica(), replica(), replica()];
  applyAll(x, entries);
  applyAll(y, entries);
  applyAll(z, [{ ...(entries[0] as LogEntry), time: 1001 }, ...entries.slice(1)]);
  assert.equal(x.fingerprint(), y.fingerprint());
  assert.notEqual(x.fingerprint(), z.fingerprint());
  // Later, the write that meets the key past its deadline on one replica but not the
  // other makes the datasets differ too (DEBUG DIGEST, the first 40 characters).
  const late = command({ op: 'append', key: 'a', value: 'y' }, 1050);
  x.apply(4, encodeEntry(late), undefined);
  z.apply(4, encodeEntry(late), undefined);
  assert.notEqual(x.fingerprint().slice(0, 40), z.fingerprint().slice(0, 40));
});

test('a streamed snapshot, taken while entries keep applying, restores the state at its start', () => {
  const applied: number[] = [];
  const source = replica(applied);
  const keys = Array.from({ length: 6 }, (_, i) =>
    command({ op: 'put', key: `k${i}`, value: `${i}` }, 1000),
  );
  applyAll(source, keys);
  const before = source.fingerprint();
  const stream = source.beginSnapshot();
  const pieces: Uint8Array[] = [];
  for (let piece = stream.next(), i = 0; piece !== null; piece = stream.next(), i++) {
    pieces.push(piece);
    // Each key's own piece: entries applied between pieces must not leak into the image.
    source.apply(
      7 + i,
      encodeEntry(command({ op: 'put', key: `k${i}`, value: 'new' }, 2000)),
      undefined,
    );
  }
  assert.ok(pieces.length > 2, `${pieces.length} pieces`);
  const restored = replica();
  restored.restore({
    meta: { index: 6, term: 1, confState: NO_CONF },
    data: Buffer.concat(pieces),
  });
  assert.equal(restored.fingerprint(), before);
  assert.notEqual(source.fingerprint(), before);
  assert.deepEqual(applied.slice(0, 6), [1, 2, 3, 4, 5, 6]);
});
