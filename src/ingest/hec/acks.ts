export interface HecAckOptions {
  /** Acknowledgments a channel holds (writes in flight plus durable ones not yet polled); beyond it, "Server is busy". */
  readonly maxPendingAcksPerChannel: number;
  /** The same bound over all channels. */
  readonly maxPendingAcks: number;
  /** Channels known at once; a request on a new channel beyond it is "Server is busy". */
  readonly maxChannels: number;
  /** A channel without a request this long is forgotten with its unpolled acknowledgments. */
  readonly channelIdleMs: number;
  readonly nowMs: () => number;
}

/** The acknowledgment of one request: settle it once its records are durable (true) or lost (false). */
export interface HecAckTicket {
  readonly ackId: number;
  settle(durable: boolean): void;
}

interface Channel {
  nextAckId: number;
  lastUsedMs: number;
  /** Requests whose write has not settled. */
  readonly inFlight: Set<number>;
  /** Requests whose records are durable, until the sender polls them. */
  readonly durable: Set<number>;
  forgotten: boolean;
}

/**
 * Splunk's indexer acknowledgment: each channel numbers its requests from 0; an ackId turns true once
 * the request's records are durable, and is forgotten once it has been answered true, as Splunk does.
 * A failed write leaves its ackId false for good, so the sender sends the request again. Channels are
 * kept least recently used first, so forgetting idle ones only looks at the stale front of the map.
 */
export class HecAcks {
  private readonly channels = new Map<string, Channel>();
  private pending = 0;

  constructor(private readonly options: HecAckOptions) {}

  /** Known channels. */
  get channelCount(): number {
    return this.channels.size;
  }

  /** Acknowledgments held over all channels: writes in flight plus durable ones not yet polled. */
  get pendingAcks(): number {
    return this.pending;
  }

  /** Whether a request on `channelId` would get an ackId now; lets a listener refuse before reading a body. */
  canReserve(channelId: string): boolean {
    this.forgetIdle();
    const channel = this.channels.get(channelId);
    if (this.pending >= this.options.maxPendingAcks) return false;
    if (channel === undefined) return this.channels.size < this.options.maxChannels;
    return channel.inFlight.size + channel.durable.size < this.options.maxPendingAcksPerChannel;
  }

  /** The next ackId of `channelId`, or null when the channel, or all channels, hold as many as allowed. */
  reserve(channelId: string): HecAckTicket | null {
    if (!this.canReserve(channelId)) return null;
    const channel = this.touch(channelId) ?? this.open(channelId);
    const ackId = channel.nextAckId++;
    channel.inFlight.add(ackId);
    this.pending++;
    let settled = false;
    return {
      ackId,
      settle: (durable) => {
        if (settled || channel.forgotten) return;
        settled = true;
        channel.inFlight.delete(ackId);
        if (durable) channel.durable.add(ackId);
        else this.pending--;
      },
    };
  }

  /** Splunk's answer to an ack query: true for each durable ackId, which is then forgotten; false for any other. */
  query(channelId: string, ackIds: readonly number[]): Record<string, boolean> {
    this.forgetIdle();
    const channel = this.touch(channelId);
    const statuses: Record<string, boolean> = {};
    for (const ackId of ackIds) {
      const durable = channel !== undefined && channel.durable.delete(ackId);
      if (durable) this.pending--;
      statuses[ackId] = durable || statuses[ackId] === true;
    }
    return statuses;
  }

  private open(channelId: string): Channel {
    const channel: Channel = { nextAckId: 0, lastUsedMs: this.options.nowMs(), inFlight: new Set(), durable: new Set(), forgotten: false };
    this.channels.set(channelId, channel);
    return channel;
  }

  /** Marks a known channel used now, moving it to the back of the map. */
  private touch(channelId: string): Channel | undefined {
    const channel = this.channels.get(channelId);
    if (channel === undefined) return undefined;
    channel.lastUsedMs = this.options.nowMs();
    this.channels.delete(channelId);
    this.channels.set(channelId, channel);
    return channel;
  }

  private forgetIdle(): void {
    const cutoffMs = this.options.nowMs() - this.options.channelIdleMs;
    for (const [channelId, channel] of this.channels) {
      if (channel.lastUsedMs > cutoffMs) return;
      channel.forgotten = true;
      this.pending -= channel.inFlight.size + channel.durable.size;
      this.channels.delete(channelId);
    }
  }
}
