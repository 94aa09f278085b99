import type { OpsEvent, OpsEventInput } from '../model/index.js';
import type { Lifecycle } from '../util/index.js';

/** A search over stored events. */
export interface EventQuery {
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  /** Only events of this service (exact match); every service, and none, when absent. */
  readonly service?: string;
  /** Only events of this type (exact match). */
  readonly type?: string;
  readonly limit: number;
}

/**
 * Vigil's store of operational events (deploys, config changes, rollbacks, ...).
 *
 * Contract:
 * - `append` checks every event (model/checkOpsEvent) and rejects the whole call, naming the index and
 *   field, if one is bad; callers that take input from outside check each event first and keep the rest.
 *   It resolves with one id per event, in order, only once the events are durable (survive SIGKILL).
 * - An event without an id gets a new unique one. An id already stored, or repeated within the call,
 *   keeps the event first stored under it and still answers with that id: a retried send is idempotent.
 * - Timestamps are stored as whole milliseconds (floored).
 * - `query` returns the events in [fromMs, toMs) that match, oldest first; when more than `limit` match,
 *   the newest `limit` of them. Events at the same millisecond come in the order they were appended.
 * - `deleteBefore` deletes events older than the cut-off for real and says how many.
 * - `start`/`stop` are idempotent; `stop` waits for appends in flight.
 */
export interface EventStore extends Lifecycle {
  append(events: readonly OpsEventInput[]): Promise<string[]>;
  query(query: EventQuery): Promise<OpsEvent[]>;
  deleteBefore(cutoffMs: number): Promise<number>;
}
