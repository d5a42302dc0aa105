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
}

export function typeOf(value: Value): TypeName {
  return typeof value === 'string' ? 'string' : value.type;
}
