/**
 * How the layers of one attempt fit together: each does its part and hands the request to the next, the
 * wire last. They are bound to their operation through the request's own `adapter` (an axios option), so
 * every attempt axios-retry makes passes them all again.
 */
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Operation } from './operation';

/** One step of an attempt. */
export type Layer = (
  config: InternalAxiosRequestConfig,
  op: Operation,
  next: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
) => Promise<AxiosResponse>;

/** The adapter of one operation's request: its layers in order, outermost first, then the wire. */
export function adapterOf(op: Operation, layers: readonly Layer[], wire: AxiosAdapter): AxiosAdapter {
  const run = (i: number, config: InternalAxiosRequestConfig): Promise<AxiosResponse> =>
    i === layers.length ? wire(config) : layers[i](config, op, (c) => run(i + 1, c));
  return (config) => run(0, config);
}
