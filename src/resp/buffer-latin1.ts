/**
 * Node's Buffer has fast latin1 slice/write methods that its type definitions leave out.
 * Declared here too (util/latin1.ts has the same) so that resp/ depends on nothing of ours.
 */
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(text: string, offset: number, length?: number): number;
  }
}

export {};
