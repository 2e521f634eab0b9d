'use strict';
/**
 * The least a hook process can do to have the deploy agent run its hook, for bench/deploy.js's hook start:
 * through the agent's hook box (BENCH_AGENT_BOX; src/client/agent/hook-box.ts), create its `.out`, write
 * the message the benchmark prepared (BENCH_AGENT_MESSAGE) with its pid into the box's FIFO, read the
 * `.out` until the reply, print the output and exit with the hook's code. No checks, no timeouts, no
 * fallback: a floor for the thin hook path (src/hook/thin-hook.ts), not a hook.
 */
const fs = require('node:fs');

const box = process.env.BENCH_AGENT_BOX;
const id = `${process.pid}.floor`;
const out = `${box}/${id}.out`;
const fd = fs.openSync(out, 'wx+', 0o600);
const fifo = fs.openSync(`${box}/in`, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
// The hook box's lines: at most 512 bytes each, the last marked with a dot (src/client/agent/hook-box.ts).
const message = Buffer.from(`${process.env.BENCH_AGENT_MESSAGE.slice(0, -1)},"pid":${process.pid}}`);
const room = 512 - `${id} + \n`.length;
for (let at = 0; at < message.length; at += room) {
  const last = at + room >= message.length;
  fs.writeSync(
    fifo,
    Buffer.concat([
      Buffer.from(`${id} ${last ? '.' : '+'} `),
      message.subarray(at, at + room),
      Buffer.from('\n'),
    ]),
  );
}
fs.closeSync(fifo);
const pause = new Int32Array(new SharedArrayBuffer(4));
const buf = Buffer.alloc(65536);
let text = '';
let pos = 0;
let waitMs = 0;
for (let done = false; !done;) {
  const n = fs.readSync(fd, buf, 0, buf.length, pos);
  if (n === 0) {
    waitMs = Math.min(Math.max(waitMs * 1.5, 0.05), 10); // as the hook sleeps
    Atomics.wait(pause, 0, 0, waitMs);
    continue;
  }
  pos += n;
  text += buf.toString('utf8', 0, n);
  let nl;
  while ((nl = text.indexOf('\n')) >= 0) {
    const msg = JSON.parse(text.slice(0, nl));
    text = text.slice(nl + 1);
    waitMs = 0;
    if (msg.ev === 'out' || msg.ev === 'err') fs.writeSync(msg.ev === 'out' ? 1 : 2, msg.text);
    else if (!('ev' in msg)) {
      process.exitCode = msg.ok === true ? msg.exit : 1;
      done = true;
    }
  }
}
fs.closeSync(fd);
fs.unlinkSync(out);
