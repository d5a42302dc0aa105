/**
 * Helpers for the decoder tests: run an input through a RequestDecoder split in a given
 * way, and record what the sink saw.
 */
import { RequestDecoder, type DecoderLimits } from '../../src/resp/decoder.js';

export type DecodeEvent = { argv: string[] } | { error: string };

export interface DecodeOptions {
  authRequired?: boolean;
  bulkBytesMax?: number;
  /** Called with each command; may change the decoder (e.g. authRequired). */
  onCommand?: (argv: string[], decoder: RequestDecoder) => void;
}

export interface DecodeResult {
  events: DecodeEvent[];
  pendingBytes: number;
}

export const DEFAULT_BULK_BYTES_MAX = 512 * 1024 * 1024;

/** Feeds the chunks in order and returns every command and error, and what is left pending. */
export function decodeChunks(chunks: readonly Buffer[], options: DecodeOptions = {}): DecodeResult {
  const events: DecodeEvent[] = [];
  const limits: DecoderLimits = { bulkBytesMax: options.bulkBytesMax ?? DEFAULT_BULK_BYTES_MAX };
  const decoder: RequestDecoder = new RequestDecoder(limits, {
    command(argv) {
      events.push({ argv });
      options.onCommand?.(argv, decoder);
    },
    protocolError(message) {
      events.push({ error: message });
    },
  });
  decoder.authRequired = options.authRequired ?? false;
  for (const chunk of chunks) decoder.feed(chunk);
  return { events, pendingBytes: decoder.pendingBytes };
}

/** Splits `input` at the given offsets (ascending, within bounds). */
export function splitAt(input: Buffer, offsets: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of offsets) {
    chunks.push(input.subarray(from, at));
    from = at;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

/** Every byte fed on its own. */
export function byteByByte(input: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i++) chunks.push(input.subarray(i, i + 1));
  return chunks;
}

/** Fixed-size chunks (views of the input). */
export function chunksOf(input: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
  return chunks;
}

export function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** The ways each input is split: whole, byte by byte, and in two at every position (or a sample). */
export function splittings(input: Buffer, everyPositionMax = 4096): Array<[string, Buffer[]]> {
  const out: Array<[string, Buffer[]]> = [
    ['whole', [input]],
    ['byte by byte', byteByByte(input)],
  ];
  const step = input.length <= everyPositionMax ? 1 : Math.ceil(input.length / 512);
  for (let at = 1; at < input.length; at += step)
    out.push([`split at ${at}`, splitAt(input, [at])]);
  for (const size of [7, 1000, 16 * 1024]) {
    if (size < input.length) out.push([`chunks of ${size}`, chunksOf(input, size)]);
  }
  return out;
}
