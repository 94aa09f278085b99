import type { KeyedPoints, PointBatch } from '../model/index.js';
import type { SeriesIds } from './sink.js';

/**
 * Series ids handed out in memory in the order keys are first seen, for parsing without a store (a
 * whole body parsed at once, tests). Keys are taken as given: validating them is the store's part.
 */
export class LocalSeriesIds implements SeriesIds {
  readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();

  seriesId(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  /** The same points named by key. */
  keyed(batch: PointBatch): KeyedPoints {
    const keys = new Array<string>(batch.length);
    for (let i = 0; i < batch.length; i++) keys[i] = this.keys[batch.seriesIds[i]!]!;
    return { length: batch.length, keys, timestampsMs: batch.timestampsMs, values: batch.values };
  }
}
