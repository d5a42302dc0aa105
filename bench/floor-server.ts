// The least a Node.js server can do per request: a RESP responder on node:net with no
// keyspace, log or command table. GET answers a fixed 16-byte bulk, PING +PONG, anything
// else +OK. bench/floor.ts measures it beside redis-server: the throughput ratio no
// server built on Node's sockets can beat on this machine.
import { createServer, type Socket } from 'node:net';

const BULK = Buffer.from('$16\r\nxxxxxxxxxxxxxxxx\r\n');
const OK = Buffer.from('+OK\r\n');
const PONG = Buffer.from('+PONG\r\n');

/** Reads whole `*N $len data` requests from `buf`; returns the bytes consumed. */
function answer(buf: Buffer, out: Buffer[]): number {
  let pos = 0;
  for (;;) {
    const start = pos;
    if (buf[pos] !== 42 /* * */) return start;
    const argcEnd = buf.indexOf(13, pos);
    if (argcEnd === -1) return start;
    const argc = Number(buf.latin1Slice(pos + 1, argcEnd));
    pos = argcEnd + 2;
    let name = '';
    for (let i = 0; i < argc; i++) {
      const lenEnd = buf.indexOf(13, pos);
      if (lenEnd === -1) return start;
      const len = Number(buf.latin1Slice(pos + 1, lenEnd));
      pos = lenEnd + 2 + len + 2;
      if (pos > buf.length) return start;
      if (i === 0) name = buf.latin1Slice(lenEnd + 2, lenEnd + 2 + len).toUpperCase();
    }
    out.push(name === 'GET' ? BULK : name === 'PING' ? PONG : OK);
  }
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const out: Buffer[] = [];
    const used = answer(buf, out);
    pending = buf.subarray(used);
    if (out.length > 0) socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
  });
  socket.on('error', () => socket.destroy());
}

const port = Number(process.argv[2]);
createServer(serve).listen(port, '127.0.0.1');
