// Throughput of the Raft transport between two TcpTransports in this process over
// loopback: messages/s and MB/s for a few message shapes, one way, plus an echo run where
// every MsgApp is answered by a MsgAppResp (the shape of replication traffic).
// Run: npx tsc -p . && node dist/bench/transport.js [--seconds 3]
import { parseArgs } from 'node:util';
import { EMPTY_BYTES, EntryType, MessageType, type Message } from '../src/raft/types.js';
import { TcpTransport } from '../src/transport/tcp-transport.js';
import { formatNumber, runMain, textTable } from './lib.js';

interface Shape {
  readonly name: string;
  readonly groups: number;
  readonly entriesPerMessage: number;
  readonly entryBytes: number;
  /** Answer every message with a MsgAppResp and count round trips. */
  readonly echo: boolean;
}

const SHAPES: readonly Shape[] = [
  { name: 'heartbeats, 64 groups', groups: 64, entriesPerMessage: 0, entryBytes: 0, echo: false },
  {
    name: 'MsgApp 4 x 64 B, 64 groups',
    groups: 64,
    entriesPerMessage: 4,
    entryBytes: 64,
    echo: false,
  },
  {
    name: 'MsgApp 1 x 16 KiB, 8 groups',
    groups: 8,
    entriesPerMessage: 1,
    entryBytes: 16384,
    echo: false,
  },
  { name: 'MsgApp 4 x 64 B + resp', groups: 64, entriesPerMessage: 4, entryBytes: 64, echo: true },
];

/** Messages per send() call (one Ready) and send() calls per turn. */
const READY_MESSAGES = 16;
const READIES_PER_TURN = 64;
/** Messages sent but not yet received beyond which the sender waits a turn. */
const WINDOW_MESSAGES = 50_000;

function message(from: number, to: number, group: number, index: number, shape: Shape): Message {
  const data = new Uint8Array(shape.entryBytes).fill(0x61);
  const entries = Array.from({ length: shape.entriesPerMessage }, (_, i) => ({
    term: 5,
    index: index + i + 1,
    type: EntryType.Normal,
    data,
  }));
  const type = shape.entriesPerMessage === 0 ? MessageType.Heartbeat : MessageType.App;
  return {
    type,
    group,
    from,
    to,
    term: 5,
    logTerm: 5,
    index,
    entries,
    commit: index,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: EMPTY_BYTES,
  };
}

async function pair(
  onB: (ms: Message[], b: TcpTransport) => void,
  onA: (ms: Message[]) => void,
): Promise<[TcpTransport, TcpTransport]> {
  const common = { clusterId: 'bench', host: '127.0.0.1', port: 0 };
  const a = new TcpTransport({ ...common, nodeId: 1, onMessages: onA });
  const b: TcpTransport = new TcpTransport({
    ...common,
    nodeId: 2,
    onMessages: (ms) => onB(ms, b),
  });
  const [portA, portB] = await Promise.all([a.listen(), b.listen()]);
  a.setPeer(2, { host: '127.0.0.1', port: portB });
  b.setPeer(1, { host: '127.0.0.1', port: portA });
  while (!(a.peers()[0]?.connected && b.peers()[0]?.connected)) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return [a, b];
}

interface Result {
  messagesPerSec: number;
  wireMBPerSec: number;
  payloadMBPerSec: number;
}

async function run(shape: Shape, seconds: number): Promise<Result> {
  let received = 0;
  let answered = 0;
  const resp = Array.from({ length: shape.groups }, (_, g) => ({
    ...message(2, 1, g, 0, { ...shape, entriesPerMessage: 0 }),
    type: MessageType.AppResp,
  }));
  const [a, b] = await pair(
    (ms, self) => {
      received += ms.length;
      if (shape.echo) self.send(ms.map((m) => resp[m.group] as Message));
    },
    (ms) => {
      answered += ms.length;
    },
  );
  const pool = Array.from({ length: READY_MESSAGES * shape.groups }, (_, i) =>
    message(1, 2, i % shape.groups, i, shape),
  );
  let sent = 0;
  const counted = (): number => (shape.echo ? answered : received);
  const start = performance.now();
  const end = start + seconds * 1000;
  const bytesBefore = a.peers()[0]?.bytesSent ?? 0;
  await new Promise<void>((resolve) => {
    const turn = (): void => {
      if (performance.now() >= end) {
        resolve();
        return;
      }
      for (let r = 0; r < READIES_PER_TURN && sent - counted() < WINDOW_MESSAGES; r++) {
        const at = ((sent / READY_MESSAGES) % shape.groups) * READY_MESSAGES;
        a.send(pool.slice(at, at + READY_MESSAGES));
        sent += READY_MESSAGES;
      }
      setImmediate(turn);
    };
    turn();
  });
  const elapsed = (performance.now() - start) / 1000;
  const wire = (a.peers()[0]?.bytesSent ?? 0) - bytesBefore;
  const done = counted();
  await Promise.all([a.close(), b.close()]);
  const payload = done * shape.entriesPerMessage * shape.entryBytes;
  return {
    messagesPerSec: done / elapsed,
    wireMBPerSec: wire / elapsed / 1e6,
    payloadMBPerSec: payload / elapsed / 1e6,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
  const seconds = Number(values.seconds);
  const rows: string[][] = [];
  for (const shape of SHAPES) {
    const r = await run(shape, seconds);
    rows.push([
      shape.name,
      formatNumber(r.messagesPerSec),
      formatNumber(r.wireMBPerSec, 1),
      formatNumber(r.payloadMBPerSec, 1),
    ]);
  }
  console.log(
    textTable(
      ['shape (one way; "+ resp": round trips)', 'messages/s', 'wire MB/s', 'payload MB/s'],
      rows,
    ),
  );
}

runMain(main);
