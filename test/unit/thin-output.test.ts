/**
 * How a thin hook writes its output: straight to the descriptor, synchronously and in order; a full
 * non-blocking pipe (EAGAIN) is waited for until its reader drains it, with no byte lost or doubled; a
 * descriptor that fails otherwise hands the rest to the stream. Real descriptors: a file, a FIFO opened
 * non-blocking and filled until it refuses (drained by a `cat` started later), a read-only descriptor.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descriptorWriter } from '../../src/hook/thin-hook';

describe('thin hook output', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thin-output-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A writer for `fd` and what its stream got. */
  const writer = (fd: number) => {
    const streamed: Buffer[] = [];
    const write = descriptorWriter(fd, () => ({ write: (c: Uint8Array) => streamed.push(Buffer.from(c)) }));
    return { write, streamed };
  };

  it('writes straight to the descriptor, without the stream', () => {
    const file = join(dir, 'out');
    const fd = openSync(file, 'w');
    const { write, streamed } = writer(fd);
    write('first line ✓\n');
    write('second line\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('first line ✓\nsecond line\n');
    expect(streamed).toEqual([]);
  });

  it('waits for a full non-blocking pipe to drain, and writes everything in order, without the stream', async () => {
    const fifo = join(dir, 'pipe');
    const out = join(dir, 'drained');
    execFileSync('mkfifo', [fifo]);
    // A read end is needed to open the write end non-blocking; it never reads.
    const idle = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    let drained: Promise<number | null> | undefined;
    try {
      // Fill the pipe until it refuses a write.
      const block = Buffer.alloc(4096, 'x');
      let filled = 0;
      for (;;) {
        try {
          filled += writeSync(fd, block);
        } catch (e) {
          expect((e as NodeJS.ErrnoException).code).toBe('EAGAIN');
          break;
        }
      }
      // A reader that starts only after the write below has begun to wait.
      const cat = spawn('sh', ['-c', 'sleep 0.3; exec cat "$0" > "$1"', fifo, out], { stdio: 'ignore' });
      // Started for sure (a pid), or the write below would wait for a reader that never comes.
      expect(cat.pid).toBeDefined();
      drained = new Promise((resolve) => cat.on('exit', resolve));
      const { write, streamed } = writer(fd);
      const text = `${'y'.repeat(100_000)} ✓\n`;
      write(text);
      write('after\n');
      expect(streamed).toEqual([]);
      closeSync(fd);
      expect(await drained).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(`${'x'.repeat(filled)}${text}after\n`);
    } finally {
      closeSync(idle);
    }
  });

  it('hands the output to the stream when the descriptor fails otherwise (EBADF)', () => {
    const file = join(dir, 'read-only');
    writeFileSync(file, '');
    const fd = openSync(file, 'r'); // writeSync: EBADF
    try {
      const { write, streamed } = writer(fd);
      write('lost ✓\n');
      write('after\n');
      expect(Buffer.concat(streamed).toString()).toBe('lost ✓\nafter\n');
      expect(readFileSync(file, 'utf8')).toBe('');
    } finally {
      closeSync(fd);
    }
  });
});
