/**
 * Data-driven tests in the style of cockroachdb/datadriven (which etcd's raft uses). A
 * script holds cases:
 *
 *     # a comment
 *     command arg1 key=value key=(v1, v2) \
 *       more=args
 *     input lines
 *     ----
 *     expected output
 *     <blank line>
 *
 * Output that contains blank lines is framed by `----\n----` before and after. Each case
 * is handed to a handler whose returned string is compared with the expected output.
 * With REWRITE=1 in the environment the expected outputs are replaced by what the
 * handler returns, in the source .txt file (not in dist/).
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CmdArg {
  readonly key: string;
  /** `key` alone has no values; `key=` has one empty value. */
  readonly vals: readonly string[];
}

export class DataDrivenError extends Error {}

/** One case of a script. */
export class TestData {
  constructor(
    /** `file:line` of the directive, for messages. */
    readonly pos: string,
    readonly cmd: string,
    readonly args: readonly CmdArg[],
    /** The lines between the directive and `----`, trimmed. */
    readonly input: string,
    /** The expected output, each line ending in a newline; empty when none. */
    readonly expected: string,
  ) {}

  hasArg(key: string): boolean {
    return this.args.some((a) => a.key === key);
  }

  arg(key: string): CmdArg | undefined {
    return this.args.find((a) => a.key === key);
  }

  /** The single value of `key`, or `fallback` when absent; throws when absent without one. */
  string(key: string, fallback?: string): string {
    const arg = this.arg(key);
    if (arg === undefined) {
      if (fallback !== undefined) return fallback;
      throw new DataDrivenError(`${this.pos}: missing argument ${key}`);
    }
    if (arg.vals.length !== 1) {
      throw new DataDrivenError(`${this.pos}: ${key} wants one value, has ${arg.vals.length}`);
    }
    return arg.vals[0] ?? '';
  }

  int(key: string, fallback?: number): number {
    const raw = this.string(key, fallback === undefined ? undefined : String(fallback));
    return parseIntStrict(raw, `${this.pos}: ${key}`);
  }

  bool(key: string, fallback?: boolean): boolean {
    const raw = this.string(key, fallback === undefined ? undefined : String(fallback));
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new DataDrivenError(`${this.pos}: ${key}=${raw} is not a boolean`);
  }

  /** Every value of `key` as integers (empty when absent). */
  ints(key: string): number[] {
    return (this.arg(key)?.vals ?? []).map((v) => parseIntStrict(v, `${this.pos}: ${key}`));
  }
}

function parseIntStrict(raw: string, what: string): number {
  if (!/^-?\d+$/.test(raw)) throw new DataDrivenError(`${what}=${raw} is not an integer`);
  return Number(raw);
}

/** Splits `key=(a, (b, c), d)` values at top-level commas; returns the values and the rest. */
function parseParenValues(line: string, column: () => string): { vals: string[]; rest: string } {
  const vals: string[] = [];
  let depth = 1;
  let pos = 1;
  let start = 1;
  while (depth > 0) {
    if (pos >= line.length) throw new DataDrivenError(column());
    const ch = line[pos++];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 1) {
      vals.push(line.slice(start, pos - 1));
      while (line[pos] === ' ') pos++;
      start = pos;
    }
  }
  vals.push(line.slice(start, pos - 1));
  return { vals, rest: line.slice(pos) };
}

/** Parses a directive line into its command and arguments (datadriven's ParseLine). */
export function parseLine(text: string): { cmd: string; args: CmdArg[] } {
  const original = text.trim();
  let line = original;
  const failure = (): string =>
    `cannot parse directive at column ${original.length - line.length + 1}: ${original}`;
  const until = (chars: string): string => {
    let i = 0;
    while (i < line.length && !chars.includes(line[i] ?? '')) i++;
    const head = line.slice(0, i);
    line = line.slice(i);
    return head;
  };
  if (line === '') return { cmd: '', args: [] };
  const cmd = until(' ');
  line = line.trim();
  const args: CmdArg[] = [];
  while (line !== '') {
    const key = until(' =');
    if (key === '') throw new DataDrivenError(failure());
    let vals: string[] = [];
    if (line.startsWith('=')) {
      line = line.slice(1);
      if (line === '' || line.startsWith(' ')) vals = [''];
      else if (!line.startsWith('(')) vals = [until(' ')];
      else ({ vals, rest: line } = parseParenValues(line, failure));
    }
    args.push({ key, vals });
    line = line.trim();
  }
  return { cmd, args };
}

/** Reads a script line by line, echoing what it reads when rewriting. */
class ScriptReader {
  private readonly lines: string[];
  private next = 0;
  readonly out: string[] | null;

  constructor(text: string, rewrite: boolean) {
    this.lines = text.split('\n');
    // A final newline does not start another line.
    if (this.lines.at(-1) === '') this.lines.pop();
    this.out = rewrite ? [] : null;
  }

  get lineNumber(): number {
    return this.next;
  }

  read(): string | undefined {
    return this.lines[this.next++];
  }

  emit(text: string): void {
    this.out?.push(text);
  }
}

/** The directive, with `\` continuations joined; undefined at the end of the script. */
function readDirective(r: ScriptReader): { line: string; lineNumber: number } | undefined {
  for (let raw = r.read(); raw !== undefined; raw = r.read()) {
    r.emit(raw);
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const lineNumber = r.lineNumber;
    while (line.endsWith('\\')) {
      const more = r.read();
      if (more === undefined) break;
      r.emit(more);
      line = `${line.slice(0, -1)} ${more.trim()}`;
    }
    return { line, lineNumber };
  }
  return undefined;
}

/** Expected output after `----`: up to a blank line, or framed by double separators. */
function readExpected(r: ScriptReader): string {
  const out: string[] = [];
  const first = r.read();
  if (first === '----') {
    for (let line = r.read(); line !== undefined; line = r.read()) {
      if (line === '----') {
        const second = r.read();
        if (second === '----') {
          const after = r.read();
          if (after !== undefined && after !== '') {
            throw new DataDrivenError(
              `line ${r.lineNumber}: non-blank line after ---- ---- section`,
            );
          }
          break;
        }
        out.push(line);
        if (second === undefined) break;
        out.push(second);
        continue;
      }
      out.push(line);
    }
  } else {
    for (let line = first; line !== undefined && line.trim() !== ''; line = r.read())
      out.push(line);
  }
  return out.map((l) => `${l}\n`).join('');
}

function readCase(r: ScriptReader, sourceName: string): TestData | undefined {
  const directive = readDirective(r);
  if (directive === undefined) return undefined;
  const pos = `${sourceName}:${directive.lineNumber}`;
  let parsed: { cmd: string; args: CmdArg[] };
  try {
    parsed = parseLine(directive.line);
  } catch (err) {
    throw new DataDrivenError(`${pos}: ${(err as Error).message}`);
  }
  const input: string[] = [];
  let separator = false;
  for (let line = r.read(); line !== undefined; line = r.read()) {
    if (line === '----') {
      separator = true;
      break;
    }
    r.emit(line);
    input.push(line);
  }
  const expected = separator ? readExpected(r) : '';
  return new TestData(pos, parsed.cmd, parsed.args, input.join('\n').trim(), expected);
}

/** Parses a whole script into its cases (without running anything). */
export function parseScript(text: string, sourceName = '<string>'): TestData[] {
  const r = new ScriptReader(text, false);
  const cases: TestData[] = [];
  for (let tc = readCase(r, sourceName); tc !== undefined; tc = readCase(r, sourceName))
    cases.push(tc);
  return cases;
}

export type Handler = (d: TestData) => string;

function emitActual(r: ScriptReader, actual: string): void {
  r.emit('----');
  if (/^[\t ]*\n/m.test(actual)) {
    r.emit('----');
    r.emit(actual.slice(0, -1));
    r.emit('----');
    r.emit('----');
    r.emit('');
  } else {
    // `actual` ends in a newline (or is empty), which leaves the blank separator line.
    r.emit(actual);
  }
}

/** The handler's output, newline-terminated unless empty. */
function normalize(actual: string): string {
  return actual !== '' && !actual.endsWith('\n') ? `${actual}\n` : actual;
}

export class MismatchError extends Error {
  constructor(
    readonly data: TestData,
    readonly actual: string,
  ) {
    super(
      `\n${data.pos}:\n${data.cmd} ${data.input}\nexpected:\n${data.expected}\nfound:\n${actual}`,
    );
  }
}

/**
 * Runs every case of `text` through `handler`, in order. Without `rewrite` the first
 * mismatch throws a MismatchError; with it, returns the script with every expected
 * output replaced by the actual one.
 */
export function runScript(
  text: string,
  handler: Handler,
  options: { rewrite: boolean; sourceName?: string },
): string | undefined {
  const r = new ScriptReader(text, options.rewrite);
  const sourceName = options.sourceName ?? '<string>';
  for (let tc = readCase(r, sourceName); tc !== undefined; tc = readCase(r, sourceName)) {
    const actual = normalize(handler(tc));
    if (r.out !== null) emitActual(r, actual);
    else if (actual !== tc.expected) throw new MismatchError(tc, actual);
  }
  if (r.out === null) return undefined;
  // Joined lines end with a newline; drop a final blank line as datadriven does.
  const rewritten = `${r.out.join('\n')}\n`;
  return rewritten.endsWith('\n\n') ? rewritten.slice(0, -1) : rewritten;
}

/** REWRITE=1 (or true) in the environment asks for rewriting instead of comparing. */
export function rewriteRequested(): boolean {
  const flag = process.env['REWRITE'];
  return flag === '1' || flag === 'true';
}

/** Runs the script at `path`; rewrites it in place when REWRITE=1. */
export function runFile(path: string, handler: Handler): void {
  const text = readFileSync(path, 'utf8');
  const rewrite = rewriteRequested();
  const rewritten = runScript(text, handler, { rewrite, sourceName: path });
  if (rewritten !== undefined && rewritten !== text) writeFileSync(path, rewritten);
}

/** The .txt scripts under `dir` (recursively), sorted. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.txt')) out.push(path);
  }
  return out;
}

/**
 * A path relative to the SOURCE directory of the calling module: a test compiled to
 * dist/test/x/y.test.js passes import.meta.url and gets test/x/<relative>, so that
 * rewriting edits the checked-in scripts.
 */
export function sourceDir(moduleUrl: string, ...relative: string[]): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const marker = `${sep}dist${sep}`;
  const at = here.lastIndexOf(marker);
  const source = at === -1 ? here : here.slice(0, at) + here.slice(at + marker.length - 1);
  return resolve(source, ...relative);
}
