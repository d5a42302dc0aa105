/**
 * Lists in Redis's RDB object encoding (redis src/rdb.c rdbSaveObject / rdbLoadObject).
 * Writing uses Redis 7.0's own form, RDB_TYPE_LIST_QUICKLIST_2: the node count, then per
 * node its container kind (2 = packed) and a listpack of its elements. Loading accepts
 * every list type byte Redis 7.0 reads: plain lists (1), ziplists (10), quicklists of
 * ziplists (14) and quicklists of listpacks or plain elements (18).
 */
import { decodeListpack, encodeListpack } from './listpack.js';
import { ListValue } from './list.js';
import { RdbDecodeError, RdbType, type RdbReader, type RdbWriter } from './serialize.js';
import { decodeZiplist } from './ziplist.js';

/** quicklist.h QUICKLIST_NODE_CONTAINER_*. */
const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;

function corrupt(): never {
  throw new RdbDecodeError({ kind: 'format' });
}

/** rdbSaveObjectType + rdbSaveObject for a list. */
export function writeList(w: RdbWriter, value: ListValue): void {
  w.byte(RdbType.LIST_QUICKLIST_2);
  const chunks = [...value.chunks()];
  w.len(chunks.length);
  for (const chunk of chunks) {
    w.len(CONTAINER_PACKED);
    const lp = encodeListpack(chunk);
    w.string(Buffer.from(lp.buffer, lp.byteOffset, lp.byteLength).latin1Slice(0, lp.byteLength));
  }
}

/**
 * rdbLoadObject for the list type bytes. An object with no elements is corrupt, as
 * Redis reports empty keys when restoring.
 */
export function loadList(r: RdbReader, rdbType: number): ListValue {
  const list = new ListValue();
  switch (rdbType) {
    case RdbType.LIST:
      for (let n = r.len(); n > 0; n--) list.pushTail(r.string());
      break;
    case RdbType.LIST_ZIPLIST:
      pushAll(list, decodeZiplist(blob(r)));
      break;
    case RdbType.LIST_QUICKLIST:
      for (let n = r.len(); n > 0; n--) pushAll(list, decodeZiplist(blob(r)));
      break;
    case RdbType.LIST_QUICKLIST_2:
      for (let n = r.len(); n > 0; n--) loadQuicklistNode(r, list);
      break;
    default:
      return corrupt();
  }
  if (list.length === 0) corrupt();
  return list;
}

function loadQuicklistNode(r: RdbReader, list: ListValue): void {
  const container = r.len();
  if (container === CONTAINER_PLAIN) {
    const element = r.string();
    if (element.length === 0) corrupt();
    list.pushTail(element);
  } else if (container === CONTAINER_PACKED) {
    pushAll(list, decodeListpack(blob(r)));
  } else {
    corrupt();
  }
}

/** A non-empty string field as bytes (Redis rejects a zero-length node). */
function blob(r: RdbReader): Buffer {
  const s = r.string();
  if (s.length === 0) corrupt();
  return Buffer.from(s, 'latin1');
}

function pushAll(list: ListValue, elements: readonly string[]): void {
  for (const s of elements) list.pushTail(s);
}
