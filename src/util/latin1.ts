/**
 * Node's Buffer has fast latin1 slice/write methods that its type definitions leave
 * out. Keys and values are latin1 strings (one char per byte), so these are the hot
 * path in and out of the socket.
 */
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(text: string, offset: number, length?: number): number;
  }
}

export {};
