/**
 * The clients a command works through: one shared client per connection named in a spec, with credentials
 * read from the environment by name at run time. Loads the client only when a command needs it.
 */
import type { HandlerContext } from '../handlers/context';
import type { AerialConnectionSpec, OrgConnectionSpec } from '../contract';
import type { ClientOpeners } from '../client/open';
import type { ClientOptions } from '../client/types';

/**
 * A HandlerContext whose action lines go to `log`. Its clients are opened by `openers` (the deploy agent
 * runs hooks on its own stack this way); by default they are this process's clients, logging to stderr.
 */
export function openHandlerContext(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  openers?: ClientOpeners,
  onResponse?: ClientOptions['onResponse'],
): HandlerContext {
  // Loaded here, not at the top, so a usage or spec error never pays for the client.
  const handlers = require('../handlers') as typeof import('../handlers');
  const open = openers ?? processClients(onResponse);
  return {
    aerial: memoByValue((conn: AerialConnectionSpec) =>
      open.aerial(handlers.resolveAerialConnection(conn, env)),
    ),
    principalRateLimits: memoByValue((conn: OrgConnectionSpec) =>
      open.principalRateLimits(handlers.resolveOrgConnection(conn, env)),
    ),
    log,
  };
}

/** This process's clients (through the deploy agent unless it is off), logging to stderr. */
function processClients(onResponse?: ClientOptions['onResponse']): ClientOpeners {
  const client = require('../client') as typeof import('../client');
  const clientOptions = { log: (line: string) => process.stderr.write(`okta-aerial: ${line}\n`), onResponse };
  return {
    aerial: (conn) => client.openAerialClient(conn, clientOptions),
    principalRateLimits: (conn) => client.openPrincipalRateLimitClient(conn, clientOptions),
  };
}

/** Closes every client opened by any context of this process. */
export async function closeHandlerContexts(): Promise<void> {
  await (require('../client') as typeof import('../client')).closeClients();
}

/** One value per distinct (JSON-equal) argument: a process opens one client per connection. */
function memoByValue<A, V>(make: (arg: A) => V): (arg: A) => V {
  const cache = new Map<string, V>();
  return (arg) => {
    const key = JSON.stringify(arg);
    let value = cache.get(key);
    if (value === undefined) {
      value = make(arg);
      cache.set(key, value);
    }
    return value;
  };
}
