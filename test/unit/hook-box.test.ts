/**
 * The hook box's wire (src/client/agent/hook-box.ts): a request written into the FIFO in PIPE_ATOMIC-byte
 * lines comes out whole and alone, however many hooks write at once and wherever a line cuts a character;
 * unfinished and over-long requests are dropped, the latter reported; no reader means no request sent.
 * Real FIFOs (mkfifo) and real writer processes.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOX_IN, boxRead, BoxRequests, PIPE_ATOMIC, sendToBox } from '../../src/client/agent/hook-box';

const ROOT = join(__dirname, '..', '..');

describe('hook box wire', () => {
  let box: string;
  beforeEach(() => {
    box = mkdtempSync(join(tmpdir(), 'hook-box-'));
    execFileSync('mkfifo', ['-m', '600', join(box, BOX_IN)]);
  });
  afterEach(() => rmSync(box, { recursive: true, force: true }));

  /**
   * Reads the FIFO (opened read-write, as the agent does) until `until` holds: every request, in order, and
   * the lines as read.
   */
  const collect = (
    write: () => void | Promise<void>,
    until: (got: [string, string | undefined][]) => boolean,
    maxBytes = 1 << 20,
  ): Promise<{ got: [string, string | undefined][]; raw: Buffer }> => {
    const got: [string, string | undefined][] = [];
    const chunks: Buffer[] = [];
    const requests = new BoxRequests((id, json) => got.push([id, json]), maxBytes);
    const fd = openSync(join(box, BOX_IN), constants.O_RDWR | constants.O_NONBLOCK);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const buf = Buffer.alloc(PIPE_ATOMIC * 8);
      const pump = (): void => {
        for (;;) {
          let n = 0;
          try {
            n = readSync(fd, buf, 0, buf.length, null);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return reject(e);
          }
          if (n <= 0) break;
          chunks.push(Buffer.from(buf.subarray(0, n)));
          requests.push(buf.subarray(0, n));
        }
        if (until(got)) {
          closeSync(fd);
          resolve({ got, raw: Buffer.concat(chunks) });
        } else if (Date.now() - started > 120_000) {
          // A liveness bound, not a timing assertion: a lost or mangled request must fail, not hang.
          closeSync(fd);
          reject(new Error(`only ${got.length} requests arrived: ${got.map(([id]) => id).join(', ')}`));
        } else setTimeout(pump, 5);
      };
      Promise.resolve(write()).then(pump, reject);
    });
  };

  it('sends a short and a long request, each whole, in lines no longer than the kernel keeps whole', async () => {
    const long = JSON.stringify({ t: 'hook', text: 'ü✓'.repeat(2_000), n: 1 }); // lines cut characters
    const { got, raw } = await collect(
      () => {
        expect(sendToBox(box, '1.short', '{"t":"hook"}', 1_000)).toBe('sent');
        expect(sendToBox(box, '2.long', long, 1_000)).toBe('sent');
      },
      (g) => g.length === 2,
    );
    expect(got).toEqual([
      ['1.short', '{"t":"hook"}'],
      ['2.long', long],
    ]);
    const lines = raw.toString('latin1').split('\n').slice(0, -1);
    expect(lines[0]).toBe('1.short . {"t":"hook"}');
    expect(lines.length).toBe(1 + Math.ceil(Buffer.byteLength(long) / (PIPE_ATOMIC - '2.long + \n'.length)));
    for (const line of lines) expect(line.length + 1).toBeLessThanOrEqual(PIPE_ATOMIC);
    expect(lines.slice(1).map((l) => l.slice(0, 9))).toEqual([
      ...Array(lines.length - 2).fill('2.long + '),
      '2.long . ',
    ]);
  });

  it('keeps requests of hooks that write at once apart (8 processes, 40 KB each)', async () => {
    const writers = 8;
    // Each child loads hook-box.ts as the library builds it (it needs node built-ins only).
    const script = `
      const ts = require(${JSON.stringify(join(ROOT, 'node_modules', 'typescript'))});
      const src = require('fs').readFileSync(${JSON.stringify(join(ROOT, 'src/client/agent/hook-box.ts'))}, 'utf8');
      const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const m = { exports: {} };
      new Function('require', 'module', 'exports', js)(require, m, m.exports);
      const i = Number(process.argv[1]);
      const body = JSON.stringify({ i, fill: String(i).repeat(40000) });
      process.exit(m.exports.sendToBox(process.argv[2], i + '.w', body, 60000) === 'sent' ? 0 : 1);`;
    const exits: Promise<number | null>[] = [];
    const { got } = await collect(
      () => {
        for (let i = 0; i < writers; i++) {
          const child = spawn(process.execPath, ['-e', script, String(i), box], { stdio: 'inherit' });
          exits.push(new Promise((r) => child.on('exit', r)));
        }
      },
      (g) => g.length === writers,
    );
    expect(await Promise.all(exits)).toEqual(Array(writers).fill(0));
    expect(got.map(([id]) => id).sort()).toEqual(Array.from({ length: writers }, (_, i) => `${i}.w`).sort());
    for (const [id, json] of got) {
      const i = Number(id.split('.')[0]);
      expect(JSON.parse(json!)).toEqual({ i, fill: String(i).repeat(40000) });
    }
  });

  it('reports a request longer than it takes once, and drops its lines', async () => {
    const { got } = await collect(
      () => {
        expect(sendToBox(box, '1.big', 'x'.repeat(PIPE_ATOMIC * 4), 1_000)).toBe('sent');
        expect(sendToBox(box, '2.ok', '{}', 1_000)).toBe('sent');
      },
      (g) => g.some(([id]) => id === '2.ok'),
      PIPE_ATOMIC * 2,
    );
    expect(got).toEqual([
      ['1.big', undefined],
      ['2.ok', '{}'],
    ]);
  });

  it('drops an unfinished request once pruned, and lines that are not a hook of this build', () => {
    const got: [string, string | undefined][] = [];
    const requests = new BoxRequests((id, json) => got.push([id, json]), 1 << 20);
    requests.push(Buffer.from('7.dead + {"t":"ho\n'), 1_000);
    requests.push(Buffer.from('no-mark\nBAD/ID . {}\n8.x ? {}\n9.y .{}\n'), 1_000);
    // A line longer than a hook writes (PIPE_ATOMIC bytes, newline included) is not one of a hook's.
    requests.push(Buffer.from(`6.long . ${'x'.repeat(PIPE_ATOMIC - 9)}\n`), 1_000);
    requests.prune(2_000);
    requests.push(Buffer.from('7.dead . ok"}\n'), 3_000);
    expect(got).toEqual([['7.dead', 'ok"}']]);
    // A line split over two reads is joined.
    requests.push(Buffer.from('5.a . {"a"'), 3_000);
    requests.push(Buffer.from(':1}\n'), 3_000);
    expect(got[1]).toEqual(['5.a', '{"a":1}']);
  });

  it('gives up on a FIFO its agent does not read, once it has waited as long as it was told', () => {
    // A reader that never reads (a stopped agent): the FIFO fills, and the request stays unfinished.
    const reader = openSync(join(box, BOX_IN), constants.O_RDWR);
    try {
      const big = 'y'.repeat(1 << 20);
      expect(sendToBox(box, '1.stuck', big, 200)).toBe('stuck');
      const got: [string, string | undefined][] = [];
      const requests = new BoxRequests((id, json) => got.push([id, json]), 2 << 20);
      const buf = Buffer.alloc(1 << 16);
      const drain = openSync(join(box, BOX_IN), constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        for (;;) {
          let n = 0;
          try {
            n = readSync(drain, buf, 0, buf.length, null);
          } catch {
            break; // EAGAIN: drained
          }
          if (n <= 0) break;
          requests.push(buf.subarray(0, n));
        }
      } finally {
        closeSync(drain);
      }
      expect(got).toEqual([]); // its last line never went: nothing to run
    } finally {
      closeSync(reader);
    }
  });

  it('sends nothing, and says so, when no agent reads the FIFO or there is no box', () => {
    expect(boxRead(box)).toBe(false);
    expect(sendToBox(box, '1.x', '{}', 1_000)).toBe('none');
    const reader = openSync(join(box, BOX_IN), constants.O_RDWR);
    try {
      expect(boxRead(box)).toBe(true);
    } finally {
      closeSync(reader);
    }
    expect(boxRead(box)).toBe(false);
    expect(sendToBox(join(box, 'missing'), '1.x', '{}', 1_000)).toBe('none');
    // Never into anything but a FIFO: a regular file named `in` gets nothing.
    const plain = mkdtempSync(join(tmpdir(), 'hook-box-plain-'));
    try {
      writeFileSync(join(plain, BOX_IN), '');
      expect(sendToBox(plain, '1.x', '{"secret":1}', 1_000)).toBe('none');
      expect(readFileSync(join(plain, BOX_IN), 'utf8')).toBe('');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
