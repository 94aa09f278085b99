import { useEffect, useState } from 'preact/hooks';
import { isAbort } from './api.js';
import type { Route } from './route.js';
import { formatRoute, parseRoute } from './route.js';

export interface Fetched<T> {
  /** The last successful answer for the current key; kept while a refresh is in flight or fails. */
  readonly data: T | undefined;
  readonly error: string | null;
}

interface Held<T> {
  readonly key: string | null;
  readonly data: T | undefined;
  readonly error: string | null;
}

/**
 * Loads `load()` whenever `key` or `tick` changes; a null key loads nothing. A newer load aborts the
 * older one, so a slow answer never overwrites a fresher one.
 */
export function useFetch<T>(key: string | null, tick: number, load: (signal: AbortSignal) => Promise<T>): Fetched<T> {
  const [held, setHeld] = useState<Held<T>>({ key: null, data: undefined, error: null });
  useEffect(() => {
    if (key === null) return undefined;
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setHeld({ key, data, error: null });
      },
      (err: unknown) => {
        if (controller.signal.aborted || isAbort(err)) return;
        const error = err instanceof Error ? err.message : String(err);
        setHeld((prev) => ({ key, data: prev.key === key ? prev.data : undefined, error }));
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `key` names everything it depends on.
  }, [key, tick]);
  if (held.key !== key) return { data: undefined, error: null };
  return { data: held.data, error: held.error };
}

/**
 * A counter that goes up every `periodMs` while enabled: the heartbeat of auto-refresh. A hidden tab
 * does not poll the server; it catches up as soon as it is shown again.
 */
export function useTick(enabled: boolean, periodMs: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    const bump = (): void => {
      if (!document.hidden) setTick((t) => t + 1);
    };
    const timer = setInterval(bump, periodMs);
    document.addEventListener('visibilitychange', bump);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', bump);
    };
  }, [enabled, periodMs]);
  return tick;
}

/** `value`, once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** The route in `location.hash`, and a way to change it that keeps links shareable. */
export function useHashRoute(): [Route, (next: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (next: Route): void => {
    const hash = formatRoute(next);
    if (window.location.hash !== hash) window.location.hash = hash;
    setRoute(next);
  };
  return [route, navigate];
}
