'use strict';
/**
 * The least a hook process can do to have the deploy agent run its hook, for bench/deploy.js's hook start:
 * connect to the agent's socket, write one line the benchmark prepared (BENCH_AGENT_MESSAGE), print what the
 * agent streams back and exit with the hook's code. No checks, no timeouts, no fallback: a floor for the
 * thin hook path (src/hook/thin-hook.ts), not a hook.
 */
const { connect } = require('node:net');
const { writeSync } = require('node:fs');

const socket = connect(process.env.BENCH_AGENT_SOCKET);
socket.on('connect', () => socket.write(`${process.env.BENCH_AGENT_MESSAGE}\n`));
socket.setEncoding('utf8');
let buffer = '';
let answered = false;
socket.on('error', (e) => {
  process.stderr.write(`agent-floor: ${e.message}\n`);
  process.exitCode = 1;
});
socket.on('close', () => {
  if (!answered) process.exitCode = 1;
});
socket.on('data', (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const msg = JSON.parse(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
    if (msg.ev === 'out' || msg.ev === 'err') writeSync(msg.ev === 'out' ? 1 : 2, msg.text);
    else if (!('ev' in msg)) {
      answered = msg.ok === true;
      process.exitCode = answered ? msg.exit : 1;
      socket.destroy();
    }
  }
});
