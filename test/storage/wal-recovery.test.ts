import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_CONF_STATE, type GroupId } from '../../src/raft/types.js';
import { WalCorruptionError, type Wal } from '../../src/storage/wal.js';
import { SimRng } from '../sim/rng.js';
import { DIR, closeNow, ents, flushNow, openWal, simDisk, stateOf, type Disk } from './helpers.js';

const SEGMENT = `${DIR}/wal/0000000000000001.wal`;

function writeFileNow(disk: Disk, path: string, bytes: Uint8Array): void {
  const fd = disk.fs.open(path, 'truncate');
  let done = false;
  disk.fs.append(fd, bytes, () => disk.fs.close(fd, () => (done = true)));
  disk.scheduler.runWhile(() => !done);
}

function allStates(wal: Wal): unknown {
  return wal.groups().map((g) => [g, stateOf(wal.group(g))]);
}

/** Two groups' worth of records, then the size of the file and the state at that point. */
function baseLog(disk: Disk): { size: number; state: unknown } {
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 4, 1), hardState: { term: 1, vote: 1, commit: 2 } });
  wal.save(2, { entries: ents(1, 2, 1, 2) });
  flushNow(wal, disk);
  const state = allStates(wal);
  closeNow(wal, disk);
  return { size: disk.fs.stat(SEGMENT)?.size ?? 0, state };
}

test('a torn last record is cut off at every byte offset, and the cut is logged', () => {
  const disk = simDisk();
  const base = baseLog(disk);
  const wal = openWal(disk);
  wal.save(2, { entries: ents(3, 5, 1, 2) });
  flushNow(wal, disk);
  closeNow(wal, disk);
  const full = disk.fs.readFile(SEGMENT);
  assert.ok(full.length > base.size + 8);
  for (let cut = base.size; cut < full.length; cut++) {
    writeFileNow(disk, SEGMENT, full.subarray(0, cut));
    const logs: string[] = [];
    const reopened = openWal(disk, { logs });
    assert.deepEqual(allStates(reopened), base.state, `cut at ${cut}`);
    assert.equal(disk.fs.stat(SEGMENT)?.size, base.size, `file truncated (cut at ${cut})`);
    if (cut > base.size) {
      assert.deepEqual(logs, [
        `warn: wal: ${SEGMENT}: truncating a torn tail of ${cut - base.size} bytes at ${base.size}`,
      ]);
    }
    // The log goes on from the cut.
    reopened.save(2, { entries: ents(3, 3, 4, 2) });
    flushNow(reopened, disk);
    closeNow(reopened, disk);
    assert.equal(openWal(disk).group(2).term(3), 4);
  }
});

test('a torn last record with a bad checksum, and a zero-filled tail, are cut off', () => {
  const disk = simDisk();
  const base = baseLog(disk);
  const full = disk.fs.readFile(SEGMENT);
  const flipped = full.slice();
  flipped[full.length - 1] = (flipped[full.length - 1] as number) ^ 0xff;
  writeFileNow(disk, SEGMENT, flipped);
  const logs: string[] = [];
  const wal = openWal(disk, { logs });
  assert.equal(wal.group(2).lastIndex(), 0, 'the last record (group 2) is gone');
  assert.equal(wal.group(1).lastIndex(), 4);
  assert.equal(logs.length, 1);

  const zeros = new Uint8Array(base.size + 100);
  zeros.set(full);
  writeFileNow(disk, SEGMENT, zeros);
  assert.deepEqual(allStates(openWal(disk)), base.state);
  assert.equal(disk.fs.stat(SEGMENT)?.size, base.size);
});

test('a corrupt record followed by others stops start-up naming the file and offset', () => {
  const disk = simDisk();
  baseLog(disk);
  const full = disk.fs.readFile(SEGMENT);
  // Segment 1: 16-byte header, the 9-byte CheckpointEnd, then group 1's entries at 25.
  const corrupt = full.slice();
  corrupt[25 + 20] = (corrupt[25 + 20] as number) ^ 1;
  writeFileNow(disk, SEGMENT, corrupt);
  assert.throws(
    () => openWal(disk),
    (err: unknown) =>
      err instanceof WalCorruptionError &&
      err.file === SEGMENT &&
      err.offset === 25 &&
      err.message === `wal: ${SEGMENT} at byte 25: checksum mismatch`,
  );
});

test('a bad record in a segment that is not the last is corruption, even at its end', () => {
  const disk = simDisk();
  const wal = openWal(disk, { segmentBytes: 200 });
  for (let i = 1; i <= 20; i++) {
    wal.save(1, { entries: ents(i, i, 1) });
    flushNow(wal, disk);
  }
  closeNow(wal, disk);
  assert.ok(disk.fs.readdir(`${DIR}/wal`).length > 2);
  const full = disk.fs.readFile(SEGMENT);
  const corrupt = full.slice();
  corrupt[full.length - 1] = (corrupt[full.length - 1] as number) ^ 1;
  writeFileNow(disk, SEGMENT, corrupt);
  assert.throws(() => openWal(disk), WalCorruptionError);
  writeFileNow(disk, SEGMENT, full.subarray(0, full.length - 3));
  assert.throws(() => openWal(disk), /0000000000000001\.wal at byte \d+: record runs past/);
});

test('a last segment whose head was torn is removed; the one before goes on', () => {
  const disk = simDisk();
  const wal = openWal(disk, { segmentBytes: 200 });
  let before: unknown = null;
  for (let i = 1; wal.segmentSeqs().length < 2; i++) {
    before = stateOf(wal.group(1));
    wal.save(1, { entries: ents(i, i, 1) });
    flushNow(wal, disk);
  }
  closeNow(wal, disk);
  const lastPath = `${DIR}/wal/0000000000000002.wal`;
  // Keep the header and part of the checkpoint only.
  writeFileNow(disk, lastPath, disk.fs.readFile(lastPath).subarray(0, 30));
  const logs: string[] = [];
  const reopened = openWal(disk, { logs, segmentBytes: 200 });
  assert.deepEqual(logs, [
    `warn: wal: ${lastPath}: its head was torn by a crash; removing the segment`,
  ]);
  assert.equal(disk.fs.stat(lastPath), null);
  assert.deepEqual(stateOf(reopened.group(1)), before);
  const last = reopened.group(1).lastIndex();
  for (let i = 1; i <= 10; i++) {
    reopened.save(1, { entries: ents(last + i, last + i, 2) });
    flushNow(reopened, disk);
  }
  const state = stateOf(reopened.group(1));
  closeNow(reopened, disk);
  assert.ok(disk.fs.stat(lastPath) !== null, 'segment 2 was cut again');
  assert.deepEqual(stateOf(openWal(disk).group(1)), state);
});

test('a segment from another format version is refused', () => {
  const disk = simDisk();
  baseLog(disk);
  const bytes = disk.fs.readFile(SEGMENT).slice();
  bytes[4] = 99;
  writeFileNow(disk, SEGMENT, bytes);
  assert.throws(() => openWal(disk), /at byte 0: unsupported WAL format version 99/);
});

/** One record per step, so every state a crash may leave is in the list. */
function randomStep(wal: Wal, rng: SimRng, groups: GroupId[]): void {
  const g = rng.pick(groups);
  const log = wal.group(g);
  const first = log.firstIndex();
  const last = log.lastIndex();
  const term = Math.max(1, log.term(last), log.hardState.term);
  const roll = rng.int(100);
  if (roll < 55) {
    wal.save(g, { entries: ents(last + 1, last + 1 + rng.int(3), term, g) });
  } else if (roll < 70 && last >= first) {
    const from = first + rng.int(last - first + 1);
    wal.save(g, { entries: ents(from, from + rng.int(3), term + 1, g) });
  } else if (roll < 82) {
    wal.save(g, { hardState: { term, vote: rng.int(4), commit: last } });
  } else if (roll < 95 && last >= first) {
    wal.compact(g, first + rng.int(last - first + 1));
  } else {
    const meta = { index: last + 1 + rng.int(5), term: term + 1, confState: EMPTY_CONF_STATE };
    wal.save(g, { snapshot: { meta, data: new Uint8Array(0) } });
  }
}

function crashRun(seed: number): void {
  const rng = new SimRng(seed);
  const disk = simDisk(seed, { tearProbability: 0.7 });
  const groups = [1, 2, 3];
  let wal = openWal(disk, { segmentBytes: 256 + rng.int(512) });
  for (let life = 0; life < 4; life++) {
    const states: unknown[] = [allStates(wal)];
    let acked = 0;
    for (let step = 0; step < 60; step++) {
      randomStep(wal, rng, groups);
      states.push(allStates(wal));
      if (rng.chance(0.3)) {
        const turn = states.length - 1;
        wal.flush((err) => {
          if (err === null) acked = Math.max(acked, turn);
        });
      }
      disk.scheduler.runFor(rng.int(4));
    }
    disk.scheduler.runFor(rng.int(20));
    disk.fs.crash();
    wal = openWal(disk, { segmentBytes: 256 + rng.int(512) });
    const recovered = allStates(wal);
    const at = states.findIndex((s, i) => i >= acked && isDeepEqual(s, recovered));
    assert.ok(at >= 0, `seed ${seed} life ${life}: recovered state is none at or after ${acked}`);
  }
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

test('crash anywhere: start-up recovers a state at or after the last acknowledged flush', () => {
  for (let seed = 1; seed <= 150; seed++) crashRun(seed);
});

test('a snapshot past the last saved commit index counts as committed on restart', () => {
  // Entries applied while a flush was under way can put a snapshot ahead of the last
  // HardState written; Raft refuses a commit index below its log's snapshot.
  const disk = simDisk();
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 6, 1), hardState: { term: 1, vote: 1, commit: 3 } });
  flushNow(wal, disk);
  wal.recordSnapshot(1, { index: 5, term: 1, confState: EMPTY_CONF_STATE });
  flushNow(wal, disk);
  closeNow(wal, disk);
  const { hardState } = openWal(disk).group(1).initialState();
  assert.deepEqual(hardState, { term: 1, vote: 1, commit: 5 });
});
