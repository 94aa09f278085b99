import type { Detector, DetectorState } from '../../detect/index.js';
import { InputOrder, readInputOrder, readNumber, readNumberArray, stateData, stateError } from '../../detect/index.js';
import { describeGroupRule, type GroupPlace } from './group-rule.js';
import { MODEL_DETECTOR_ID, type ModelDetectorParams } from './model-params.js';
import type { ModelSlot } from './model-slot.js';
import { ResidualScale } from './residual-scale.js';
import type { SeriesGroup } from './series-group.js';

const STATE_VERSION = 1;
/** Steps a member holds open at once: a row closes when a point two steps newer arrives, so at most three are open. */
const OPEN_STEPS = 3;

/**
 * The `model` detector of one series served by a multi-series model: it hands its points to its group, which judges
 * whole rows and reports their anomalies through the slot (a row completes on whichever series' point comes last,
 * so no single point's score can carry it); `update` therefore scores 0. It keeps its own share of the group's
 * state: its open steps, its values in the rows closed so far (as many as the model's window needs) and its
 * residual scales, so a restored group goes on where it stopped.
 */
export class GroupMember implements Detector {
  readonly lastKind = null;
  readonly lastExpected = NaN;
  readonly servingScale: ResidualScale;
  readonly shadowScale: ResidualScale;
  /** The series' feature name: its key without the group's part. */
  readonly feature: string;
  countedGeneration = -1;
  countedShadowGeneration = -1;
  /** The serving version's score of the series in row `servingScoreRow`, for a shadow version's comparison. */
  private servingScore = NaN;
  private servingScoreRow = NaN;
  /** Step of the last row closed that this series took part in. */
  lastRow = -Infinity;
  private readonly order = new InputOrder();
  private readonly openStep = new Float64Array(OPEN_STEPS).fill(NaN);
  private readonly openSum = new Float64Array(OPEN_STEPS);
  private readonly openCount = new Float64Array(OPEN_STEPS);
  private readonly openTimeMs = new Float64Array(OPEN_STEPS);
  /** The series' values in the rows closed so far, newest at `head - 1`; NaN where it had none. */
  private column = new Float32Array(0);
  private head = 0;
  private _filled = 0;
  private readonly group: SeriesGroup | null;
  /** Why the series is in no group (noted on each point, so the note outlives a counters reset); null when it is in one. */
  private readonly ungrouped: string | null;

  constructor(
    params: ModelDetectorParams,
    private readonly slot: ModelSlot,
    readonly seriesId: number,
    seriesKey: string | undefined,
    place: GroupPlace | null,
  ) {
    this.servingScale = new ResidualScale(params.residualPoints);
    this.shadowScale = new ResidualScale(params.residualPoints);
    this.feature = place?.feature ?? '';
    this.ungrouped = place === null ? `series ${seriesKey ?? `#${seriesId}`} has no group under model ${params.model}'s groupBy ${describeGroupRule(params.group!.rule)}: it is not judged` : null;
    this.group = place === null ? null : slot.group(params, place.group);
    this.group?.join(this);
  }

  /** Closed rows' values held (up to what the served versions' windows need). */
  get filled(): number {
    return this._filled;
  }

  update(timestampMs: number, value: number): number {
    if (this.group === null) this.slot.note(this.ungrouped!);
    else if (this.order.accept(timestampMs, value)) this.group.add(this, timestampMs, value);
    return 0;
  }

  /** The oldest step this series has points in that no row has closed yet; Infinity when none. */
  oldestOpen(): number {
    let oldest = Infinity;
    for (let i = 0; i < OPEN_STEPS; i++) if (this.openStep[i]! < oldest) oldest = this.openStep[i]!;
    return oldest;
  }

  hasOpen(step: number): boolean {
    return this.openStep[step % OPEN_STEPS] === step;
  }

  addOpen(step: number, timestampMs: number, value: number): void {
    const i = step % OPEN_STEPS;
    if (this.openStep[i] !== step) {
      this.openStep[i] = step;
      this.openSum[i] = 0;
      this.openCount[i] = 0;
    }
    this.openSum[i]! += value;
    this.openCount[i]!++;
    this.openTimeMs[i] = timestampMs;
  }

  /** The series' value for a row: the mean of its points in the step, else its last row's value (NaN when none). */
  valueFor(step: number): number {
    const i = step % OPEN_STEPS;
    if (this.openStep[i] === step) return this.openSum[i]! / this.openCount[i]!;
    return this._filled > 0 ? this.columnValue(1) : NaN;
  }

  /** Time of the series' last point in the step. */
  timeFor(step: number): number {
    return this.openTimeMs[step % OPEN_STEPS]!;
  }

  /** The value of the row `back` rows before the one being judged (1 = the last closed row). */
  columnValue(back: number): number {
    const capacity = this.column.length;
    return this.column[(this.head - back + capacity * 2) % capacity]!;
  }

  servedScore(step: number, score: number): void {
    this.servingScore = score;
    this.servingScoreRow = step;
  }

  /** The serving version's score of the series in the row; NaN when it did not score it. */
  servingScoreOf(step: number): number {
    return this.servingScoreRow === step ? this.servingScore : NaN;
  }

  /** Records the series' value for the closed row and lets its step go. */
  closeRow(step: number): void {
    const value = this.valueFor(step);
    const i = step % OPEN_STEPS;
    if (this.openStep[i] === step) this.openStep[i] = NaN;
    this.lastRow = step;
    const needed = Math.max(1, this.slot.groupHistoryNeeded);
    if (this.column.length < needed) this.grow(needed);
    this.column[this.head] = value;
    this.head = (this.head + 1) % this.column.length;
    if (this._filled < this.column.length) this._filled++;
  }

  snapshot(): DetectorState {
    const open: number[][] = [];
    for (let i = 0; i < OPEN_STEPS; i++) if (!Number.isNaN(this.openStep[i]!)) open.push([this.openStep[i]!, this.openSum[i]!, this.openCount[i]!, this.openTimeMs[i]!]);
    const column: (number | null)[] = [];
    for (let back = this._filled; back >= 1; back--) {
      const value = this.columnValue(back);
      column.push(Number.isFinite(value) ? value : null);
    }
    return {
      detector: MODEL_DETECTOR_ID,
      version: STATE_VERSION,
      data: {
        ...this.order.snapshot(),
        group: true,
        lastRow: Number.isFinite(this.lastRow) ? this.lastRow : null,
        open,
        column,
        servingScale: this.servingScale.snapshot(),
        shadowScale: this.shadowScale.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, MODEL_DETECTOR_ID, STATE_VERSION);
    if (data.group !== true) throw stateError(MODEL_DETECTOR_ID, 'the state is of a series served on its own, not in a group');
    const order = readInputOrder(data, MODEL_DETECTOR_ID);
    const lastRow = data.lastRow === null ? -Infinity : readNumber(data, 'lastRow', MODEL_DETECTOR_ID);
    const open = data.open;
    if (!Array.isArray(open) || open.length > OPEN_STEPS) throw stateError(MODEL_DETECTOR_ID, `open must be an array of at most ${OPEN_STEPS} steps`);
    const steps = open.map((step: unknown, i) => {
      if (!Array.isArray(step) || step.length !== 4 || !step.every((v) => typeof v === 'number' && Number.isFinite(v))) throw stateError(MODEL_DETECTOR_ID, `open[${i}] must be [step, sum, count, timeMs], got ${JSON.stringify(step)}`);
      return step as number[];
    });
    const column = data.column;
    if (!Array.isArray(column) || !column.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) throw stateError(MODEL_DETECTOR_ID, 'column must be an array of finite numbers or nulls');
    const serving = readNumberArray(data, 'servingScale', MODEL_DETECTOR_ID, 2);
    const shadow = readNumberArray(data, 'shadowScale', MODEL_DETECTOR_ID, 2);
    if (serving[0]! < 0 || shadow[0]! < 0) throw stateError(MODEL_DETECTOR_ID, 'a residual scale must not be negative');
    this.order.restore(order);
    this.lastRow = lastRow;
    this.openStep.fill(NaN);
    for (const [step, sum, count, timeMs] of steps) {
      const i = step! % OPEN_STEPS;
      this.openStep[i] = step!;
      this.openSum[i] = sum!;
      this.openCount[i] = count!;
      this.openTimeMs[i] = timeMs!;
    }
    this.column = Float32Array.from(column as (number | null)[], (v) => v ?? NaN);
    this.head = 0;
    this._filled = this.column.length;
    this.servingScale.restore(serving);
    this.shadowScale.restore(shadow);
    this.group?.join(this);
  }

  /** A larger column holding the values kept so far, oldest first. */
  private grow(capacity: number): void {
    const kept = new Float32Array(capacity);
    for (let back = this._filled; back >= 1; back--) kept[this._filled - back] = this.columnValue(back);
    this.column = kept;
    this.head = this._filled % capacity;
  }
}
