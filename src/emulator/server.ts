/**
 * Starting and stopping an emulator: options resolved, state loaded (a state file wins over the seed, or takes
 * in what the seed adds), persistence hooked to the model, one loopback HTTP server running the request pipeline.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../common';
import { EmulatorCore, type CoreOptions } from './core';
import { buildCredentials } from './credentials';
import { toFaultConfig, type FaultConfig, type FaultShorthand } from './faults';
import { DEMO_KEY_ID, demoKeys, privatePem } from './keys';
import { EmulatorModel } from './model';
import { loadState, saveState, StateSaver } from './persistence';
import { handleRequest } from './pipeline';
import { demoSeed } from './demo-seed';
import { mergeSeed, readSeedFile, stateFromSeed } from './seed';
import { validateSeed } from './seed-schema';
import type { EmulatorState } from './state';
import type { EmulatorOptions, RunningEmulator } from './types';

/**
 * Loads state: an existing state file wins over the seed (with `seedMissing`, what the seed declares and the
 * file lacks is added to it); otherwise the seed (or the demo seed). `fresh`: the state is to be saved now.
 */
async function initialState(
  options: EmulatorOptions,
  nowMs: number,
): Promise<{ state: EmulatorState; fresh: boolean }> {
  const readSeed = () =>
    validateSeed(
      typeof options.seed === 'string' ? readSeedFile(options.seed) : (options.seed ?? demoSeed()),
    );
  if (options.statePath) {
    const loaded = loadState(options.statePath);
    if (loaded && options.seedMissing && options.seed !== undefined) {
      const { added, skipped } = mergeSeed(loaded, stateFromSeed(readSeed(), loaded.keys, nowMs), nowMs);
      if (!options.quiet) {
        const from = `okta-aerial emulator: ${options.statePath} exists`;
        if (added.length) process.stderr.write(`${from}; added from the seed: ${added.join(', ')}\n`);
        for (const s of skipped) process.stderr.write(`${from}; warning: left out of the seed: ${s}\n`);
      }
      return { state: loaded, fresh: added.length > 0 };
    }
    if (loaded) return { state: loaded, fresh: false };
  }
  const seed = readSeed();
  const keys = await demoKeys(!options.statePath);
  return { state: stateFromSeed(seed, structuredClone(keys), nowMs), fresh: true };
}

/** Starts an emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const opts: CoreOptions = {
    latencyMs: options.latencyMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    aerialConcurrency: options.aerialConcurrency ?? 10,
    orgConcurrency: options.orgConcurrency ?? 75,
    rateLimitPerMinute: options.rateLimitPerMinute,
    quiet: options.quiet ?? false,
    now: options.now ?? Date.now,
    randomSeed: options.randomSeed,
    strict: options.strict ?? false,
    rootEnvironment: options.environment,
    deletionDelayMs: options.deletionDelayMs ?? 0,
  };
  const faults = toFaultConfig(options.faults);
  const { state, fresh } = await initialState(options, opts.now());
  const model = new EmulatorModel(state, opts.now);
  const core = new EmulatorCore(model, opts);
  core.setFaults(faults);

  let saver: StateSaver | undefined;
  if (options.statePath) {
    const path = options.statePath;
    // A state file in a folder that does not exist yet (e.g. .okta-aerial/): make it, private to the user.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    saver = new StateSaver(path, () => model.state);
    model.onChange = () => saver!.markDirty();
    if (fresh) await saveState(path, model.state);
  }

  const rsa = model.state.keys.find((k) => k.alg === 'RS256') ?? model.state.keys[0];
  const pem = rsa ? await privatePem(rsa) : '';
  core.credentials = () => buildCredentials(core, pem, rsa?.kid ?? DEMO_KEY_ID);

  const server = createServer((req, res) => void handleRequest(core, req, res));
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!opts.quiet && !isLoopbackHost(host))
    process.stderr.write(
      `okta-aerial emulator: warning: listening on ${host}; the admin endpoints hand out credentials to anyone who can connect\n`,
    );

  let stopped: Promise<void> | undefined;
  return {
    url: core.url,
    port,
    stop: () =>
      (stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await saver?.flush();
      })()),
    stats: () => structuredClone(core.stats),
    log: () => core.logEntries.map((e) => ({ ...e })),
    reset: () => core.resetStats(),
    setFaults: (f: FaultConfig | FaultShorthand) => core.setFaults(toFaultConfig(f)),
    credentials: core.credentials,
  };
}
