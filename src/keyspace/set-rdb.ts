/**
 * Sets in Redis's RDB object encoding (rdb.c rdbSaveObject / rdbLoadObject), for
 * DUMP/RESTORE and snapshots. Redis 7.0 writes RDB_TYPE_SET_INTSET for an intset and
 * RDB_TYPE_SET for a hashtable, and loads both; 7.0 has no set listpack.
 */
import { Intset, IntsetFormatError } from './intset.js';
import { RdbDecodeError, RdbType, type RdbReader, type RdbWriter } from './serialize.js';
import { SET_MAX_INTSET_ENTRIES_DEFAULT, SetValue } from './set.js';

/** Redis caps set-max-intset-entries at 1G entries when it sizes a loaded set. */
const INTSET_ENTRIES_CAP = 1 << 30;

function corrupt(): never {
  throw new RdbDecodeError({ kind: 'format' });
}

/** The type byte, then the intset blob as one string, or the members one by one. */
export function writeSet(w: RdbWriter, value: SetValue): void {
  const ints = value.intsetValues();
  if (ints !== null) {
    w.byte(RdbType.SET_INTSET);
    const blob = ints.toBytes();
    w.string(Buffer.from(blob.buffer, blob.byteOffset, blob.length).latin1Slice(0, blob.length));
    return;
  }
  w.byte(RdbType.SET);
  w.len(value.size);
  for (const member of value.members()) w.string(member);
}

/**
 * Reads a set payload of RDB type `rdbType` (SET or SET_INTSET) with Redis's
 * conversions: a loaded set larger than `maxIntsetEntries` is a hashtable. An empty
 * set, duplicate members or a malformed intset are corrupt, as in Redis.
 */
export function loadSet(
  r: RdbReader,
  rdbType: number,
  maxIntsetEntries: number = SET_MAX_INTSET_ENTRIES_DEFAULT,
): SetValue {
  if (rdbType === RdbType.SET_INTSET) return loadIntset(r, maxIntsetEntries);
  if (rdbType !== RdbType.SET) return corrupt();
  const length = r.len();
  if (length === 0) corrupt();
  // A set declared larger than an intset may hold starts as a hashtable, as in Redis.
  const value =
    length > Math.min(maxIntsetEntries, INTSET_ENTRIES_CAP)
      ? SetValue.emptyTable()
      : SetValue.emptyIntset();
  for (let i = 0; i < length; i++) {
    // Every member fits: the intset bound was checked against the declared length.
    if (!value.add(r.string(), Number.MAX_SAFE_INTEGER)) corrupt();
  }
  return value;
}

function loadIntset(r: RdbReader, maxIntsetEntries: number): SetValue {
  const blob = r.string();
  let ints: Intset;
  try {
    ints = Intset.fromBytes(Buffer.from(blob, 'latin1'));
  } catch (e) {
    if (e instanceof IntsetFormatError) corrupt();
    throw e;
  }
  const value = SetValue.ofIntset(ints);
  if (ints.size > maxIntsetEntries) value.convertToHashtable();
  return value;
}
