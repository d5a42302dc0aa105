/**
 * Deep pipelines on one connection, as redis-cli --pipe sends them: every request is
 * answered, in order, while the connection stops reading at its in-flight limit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer, type RunningServer } from '../support/server.js';

let server: RunningServer;

before(async () => {
  server = await startServer(['--save', '']);
});

after(async () => {
  await server.stop();
});

function command(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** Sends `payload` at once and collects replies until `bytes` of them arrived. */
async function exchange(payload: string, bytes: number): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= bytes) resolve(Buffer.concat(chunks).toString('latin1'));
      });
      socket.write(payload);
    });
  } finally {
    socket.destroy();
  }
}

test('100,000 pipelined SETs on one connection are all answered, and all applied', async () => {
  const n = 100_000;
  let payload = '';
  for (let i = 0; i < n; i++) payload += command('SET', `pipe:${i}`, `v${i}`);
  const replies = await exchange(payload, 5 * n);
  assert.equal(replies, '+OK\r\n'.repeat(n));
  assert.equal(await exchange(command('DBSIZE'), 9), `:${n}\r\n`);
});

test('pipelined SET/GET pairs read their own writes, in order', async () => {
  const n = 5_000;
  let payload = '';
  let expected = '';
  for (let i = 0; i < n; i++) {
    payload += command('SET', 'pair', `v${i}`) + command('GET', 'pair');
    expected += `+OK\r\n$${`v${i}`.length}\r\nv${i}\r\n`;
  }
  assert.equal(await exchange(payload, expected.length), expected);
});
