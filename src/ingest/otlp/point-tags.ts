import { tagNameOf, tagValueOf } from './series-names.js';

/**
 * The tags of the data point being decoded: its resource's attributes, overridden by its own attributes
 * of the same (sanitized) name. Keys are built as `name;k1=v1;k2=v2` with tags sorted by name, the
 * canonical form of model/series.ts, optionally with one more tag (`le`, `quantile`) that wins over an
 * attribute of its name. Arrays are reused from point to point.
 */
export class PointTags {
  private resourceNames: string[] = [];
  private resourceValues: string[] = [];
  private resourceCount = 0;
  private names: string[] = [];
  private values: string[] = [];
  private count = 0;
  private order = new Int32Array(16);
  private orderSorted = false;
  /** Sorted `;k=v` text of every tag, built once per point on first use. */
  private allTags: string | null = null;

  clearResource(): void {
    this.resourceCount = 0;
  }

  /** A resource attribute; an empty key or value adds no tag (Vigil tags cannot be empty). */
  addResource(key: string, value: string): void {
    const name = tagNameOf(key);
    const text = tagValueOf(value);
    if (name.length === 0 || text.length === 0) return;
    for (let i = 0; i < this.resourceCount; i++) {
      if (this.resourceNames[i] === name) {
        this.resourceValues[i] = text;
        return;
      }
    }
    this.resourceNames[this.resourceCount] = name;
    this.resourceValues[this.resourceCount++] = text;
  }

  /** Starts a point with its resource's tags. */
  beginPoint(): void {
    for (let i = 0; i < this.resourceCount; i++) {
      this.names[i] = this.resourceNames[i]!;
      this.values[i] = this.resourceValues[i]!;
    }
    this.count = this.resourceCount;
    this.allTags = null;
    this.orderSorted = false;
  }

  /** A data point attribute; it replaces a resource attribute of the same tag name. */
  add(key: string, value: string): void {
    const name = tagNameOf(key);
    const text = tagValueOf(value);
    if (name.length === 0 || text.length === 0) return;
    this.allTags = null;
    this.orderSorted = false;
    for (let i = 0; i < this.count; i++) {
      if (this.names[i] === name) {
        this.values[i] = text;
        return;
      }
    }
    this.names[this.count] = name;
    this.values[this.count++] = text;
  }

  /** The canonical key of `seriesName` with the point's tags. */
  key(seriesName: string): string {
    this.allTags ??= this.tagText(null, '');
    return seriesName + this.allTags;
  }

  /** The canonical key of `seriesName` with the point's tags plus `extraName=extraValue`. */
  keyWith(seriesName: string, extraName: string, extraValue: string): string {
    return seriesName + this.tagText(extraName, extraValue);
  }

  private tagText(extraName: string | null, extraValue: string): string {
    this.sortOrder();
    let text = '';
    let extraDone = extraName === null;
    for (let i = 0; i < this.count; i++) {
      const index = this.order[i]!;
      const name = this.names[index]!;
      if (!extraDone && name >= extraName!) {
        text += `;${extraName}=${extraValue}`;
        extraDone = true;
        if (name === extraName) continue;
      }
      text += `;${name}=${this.values[index]}`;
    }
    if (!extraDone) text += `;${extraName}=${extraValue}`;
    return text;
  }

  /** Insertion sort of tag indices by name: points carry a handful of tags. */
  private sortOrder(): void {
    if (this.orderSorted) return;
    this.orderSorted = true;
    if (this.order.length < this.count) this.order = new Int32Array(this.count * 2);
    const { order, names } = this;
    for (let i = 0; i < this.count; i++) {
      const name = names[i]!;
      let j = i;
      while (j > 0 && names[order[j - 1]!]! > name) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
  }
}
