import type { FormedRing, RankProcess } from './driver.js';
import type { RingSpec } from './protocol.js';

/** How long forming a ring waits for every rank to report a listening endpoint. */
export const ENDPOINT_TIMEOUT_MS = 120_000;

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * The rendezvous of TCP ranks, shared by the launchers whose ranks link over TCP (processes on this host, ranks on
 * other hosts through their agents): each rank reports the endpoint it listens on; forming a ring waits for a fresh
 * endpoint from every member and hands each the full peer list.
 */
export class EndpointRendezvous {
  private readonly endpoints = new Map<number, Endpoint>();
  private readonly exited = new Set<number>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly timeoutMs: number = ENDPOINT_TIMEOUT_MS) {}

  /** A rank listens here, for the next ring it is a member of. */
  report(workerId: number, address: Endpoint): void {
    this.endpoints.set(workerId, address);
    this.wake();
  }

  /** A rank ended: a ring waiting for its endpoint fails now instead of at the timeout. */
  gone(workerId: number): void {
    this.exited.add(workerId);
    this.wake();
  }

  async formRing(generation: number, members: readonly RankProcess[]): Promise<FormedRing> {
    const { endpoints } = this;
    const deadline = Date.now() + this.timeoutMs;
    const missing = (): RankProcess[] => members.filter((m) => !endpoints.has(m.workerId));
    for (let waiting = missing(); waiting.length > 0; waiting = missing()) {
      const dead = waiting.find((m) => this.exited.has(m.workerId));
      if (dead !== undefined) throw new Error(`cannot form training ring: worker ${dead.workerId} ended before it reported an endpoint`);
      if (Date.now() > deadline) throw new Error(`cannot form training ring: ${waiting.length} worker(s) reported no endpoint within ${this.timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, Math.min(1_000, this.timeoutMs));
        const waiters = this.waiters;
        function wake(): void {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        waiters.add(wake);
      });
    }
    // Each endpoint serves one ring: the rank opens a fresh one after joining.
    const peers = members.map((m) => endpoints.get(m.workerId)!);
    for (const m of members) endpoints.delete(m.workerId);
    const specs: RingSpec[] = members.map((_, rank) => ({ transport: 'tcp', generation, rank, size: members.length, peers }));
    // Sockets of a dead process close by themselves, which fails its neighbours' operations; nothing to abort here.
    return { specs, abort: () => undefined };
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
