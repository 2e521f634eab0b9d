/**
 * The clients a command works through: one shared client per connection named in a spec, with credentials
 * read from the environment by name at run time. Loads the client only when a command needs it.
 */
import type { HandlerContext } from '../handlers/context';
import type { AerialConnectionSpec, OrgConnectionSpec } from '../contract';

/** A HandlerContext whose clients log to stderr and whose action lines go to `log`. */
export function openHandlerContext(env: NodeJS.ProcessEnv, log: (line: string) => void): HandlerContext {
  // Loaded here, not at the top, so a usage or spec error never pays for the client.
  const client = require('../client') as typeof import('../client');
  const handlers = require('../handlers') as typeof import('../handlers');
  const clientOptions = { log: (line: string) => process.stderr.write(`okta-aerial: ${line}\n`) };
  return {
    aerial: memoByValue((conn: AerialConnectionSpec) =>
      client.openAerialClient(handlers.resolveAerialConnection(conn, env), clientOptions),
    ),
    principalRateLimits: memoByValue((conn: OrgConnectionSpec) =>
      client.openPrincipalRateLimitClient(handlers.resolveOrgConnection(conn, env), clientOptions),
    ),
    log,
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
