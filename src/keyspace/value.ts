/**
 * A key's value. Strings are latin1 JS strings (one char per byte): the most compact
 * binary-safe form V8 has. Collection types are objects that name their type; each
 * family adds its class here as it lands.
 */
export type Value = string | CollectionValue;

export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export interface CollectionValue {
  readonly type: Exclude<TypeName, 'string'>;
  /** Redis's OBJECT ENCODING name for the current representation. */
  encoding(): string;
  /** An independent deep copy (COPY): later writes to either leave the other alone. */
  clone(): CollectionValue;
  /** The elements in the form DEBUG DIGEST mixes them (Redis's xorObjectDigest). */
  digestView(): DigestView;
}

/** What DEBUG DIGEST reads from a collection value, in the form Redis digests it. */
export type DigestView =
  | { readonly type: 'list'; readonly elements: Iterable<string> }
  | { readonly type: 'set'; readonly members: Iterable<string> }
  | { readonly type: 'hash'; readonly fields: Iterable<readonly [string, string]> }
  | { readonly type: 'zset'; readonly members: Iterable<readonly [string, number]> }
  | { readonly type: 'stream'; readonly entries: Iterable<StreamDigestEntry> };

export interface StreamDigestEntry {
  readonly ms: number | bigint;
  readonly seq: number | bigint;
  readonly fields: readonly (readonly [string, string])[];
}

export function typeOf(value: Value): TypeName {
  return typeof value === 'string' ? 'string' : value.type;
}
