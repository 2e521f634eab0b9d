/**
 * Layer 1, transport: axios over keep-alive sockets shared by every client of the process, never following
 * redirects (credentials go to the configured origin only), and each attempt's timeout.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosResponse } from 'axios';
import { PACKAGE_VERSION } from '../version';
import type { Layer } from './layer';

/** Shared keep-alive connections of this process. */
let pool: { http: http.Agent; https: https.Agent } | undefined;

function keepAlivePool(): { http: http.Agent; https: https.Agent } {
  pool ??= {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  return pool;
}

/** Closes the process's keep-alive connections. */
export function closePool(): void {
  pool?.http.destroy();
  pool?.https.destroy();
  pool = undefined;
}

/** One axios instance: keep-alive, no redirects, JSON, only 2xx resolves (every other answer is a failure). */
export function createTransport(loopback: boolean): AxiosInstance {
  const a = keepAlivePool();
  return axios.create({
    httpAgent: a.http,
    httpsAgent: a.https,
    maxRedirects: 0,
    // A proxy from the environment must not capture loopback traffic to the emulator.
    proxy: loopback ? false : undefined,
    headers: { Accept: 'application/json', 'User-Agent': `cdktf-okta-aerial/${PACKAGE_VERSION}` },
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
    validateStatus: (s) => s >= 200 && s < 300,
  });
}

/** The adapter that puts a request on the wire (axios's node:http adapter). */
export const wire = axios.getAdapter(axios.defaults.adapter) as AxiosAdapter;

/** Layer: transport, last before the wire: the attempt's timeout, never past the operation's deadline. */
export function attemptTimeout(attemptTimeoutMs: number, onSend: () => void = () => {}): Layer {
  return (config, op, next) => {
    config.timeout = Math.max(1, Math.min(attemptTimeoutMs, op.remaining()));
    onSend();
    return next(config);
  };
}

/** Lower-case plain header object of an axios response. */
export function headersOf(res: AxiosResponse | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!res?.headers) return out;
  const raw =
    typeof (res.headers as { toJSON?: () => unknown }).toJSON === 'function'
      ? (res.headers as { toJSON(): Record<string, unknown> }).toJSON()
      : res.headers;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}
