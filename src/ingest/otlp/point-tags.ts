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
  /** keyWith's split of the sorted tag text around splitName, built once per point on first use. */
  private splitName: string | null = null;
  private beforeSplit = '';
  private afterSplit = '';

  clearResource(): void {
    this.resourceCount = 0;
  }

  /** A resource attribute; an empty key or value adds no tag (Vigil tags cannot be empty). */
  addResource(key: string, value: string): void {
    this.addResourceTag(tagNameOf(key), tagValueOf(value));
  }

  /** A resource attribute as an already sanitized tag name and value. */
  addResourceTag(name: string, text: string): void {
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
    this.splitName = null;
    this.orderSorted = false;
  }

  /** A data point attribute; it replaces a resource attribute of the same tag name. */
  add(key: string, value: string): void {
    this.addTag(tagNameOf(key), tagValueOf(value));
  }

  /** A data point attribute as an already sanitized tag name and value. */
  addTag(name: string, text: string): void {
    if (name.length === 0 || text.length === 0) return;
    this.allTags = null;
    this.splitName = null;
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
    if (this.allTags === null) {
      this.sortOrder();
      let text = '';
      for (let i = 0; i < this.count; i++) text += `;${this.names[this.order[i]!]}=${this.values[this.order[i]!]}`;
      this.allTags = text;
    }
    return seriesName + this.allTags;
  }

  /** The canonical key of `seriesName` with the point's tags plus `extraName=extraValue`, which replaces an attribute of that name. */
  keyWith(seriesName: string, extraName: string, extraValue: string): string {
    if (this.splitName !== extraName) this.splitAround(extraName);
    return `${seriesName}${this.beforeSplit};${extraName}=${extraValue}${this.afterSplit}`;
  }

  /** The tag text that sorts before `extraName` and after it, once per point and name however many buckets use it. */
  private splitAround(extraName: string): void {
    this.sortOrder();
    let before = '';
    let after = '';
    for (let i = 0; i < this.count; i++) {
      const index = this.order[i]!;
      const name = this.names[index]!;
      if (name < extraName) before += `;${name}=${this.values[index]}`;
      else if (name > extraName) after += `;${name}=${this.values[index]}`;
    }
    this.beforeSplit = before;
    this.afterSplit = after;
    this.splitName = extraName;
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
