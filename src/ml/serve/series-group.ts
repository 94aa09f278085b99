import { hashUniform, scoreFromZ } from '../../detect/index.js';
import { hashSeriesKey } from '../../model/index.js';
import { countPair, countScore } from './counters.js';
import type { GroupMember } from './group-member.js';
import { describeGroupRule, featureOfColumn } from './group-rule.js';
import { MODEL_DETECTOR_ID, SHADOW_DETECTOR_ID, type ModelDetectorParams } from './model-params.js';
import type { ModelSlot } from './model-slot.js';
import { formatValue, type ResidualScale } from './residual-scale.js';
import type { ServedVersion } from './served-version.js';

/**
 * The series of one group (say every metric of `host=web1`) as a multi-series model sees them: rows of one value
 * per series, a row per `stepMs` step. A row is judged as soon as every feature has a point in its step, or, when
 * some series stays silent, once a point two steps newer arrives (the silent series carry their last value when at
 * most half are missing; otherwise the row is skipped). Points for a step whose row is closed come too late and are
 * counted. The judgement of a row reconstructs it (with the rows before it for a sequence autoencoder) and scores
 * each series' miss in the series' own residual scale; anomalies leave through the slot, since a row completes on
 * whichever series' point comes last. Every member holds its share of the state, so the group itself is rebuilt
 * from its members after a restore.
 */
export class SeriesGroup {
  readonly members = new Map<number, GroupMember>();
  /** Step of the last row closed; -Infinity before the first. */
  lastRow = -Infinity;
  /** The group's fixed draw for the canary: a group is in it or not as a whole. */
  private readonly draw: number;
  /** Members by feature index (null: its features are unknown), per served version, for the slot generation and membership they were computed for. */
  private readonly mapped = new Map<ServedVersion, (GroupMember | undefined)[] | null>();
  private mappedGeneration = -1;
  private readonly inputs = new Map<ServedVersion, Float32Array>();

  constructor(
    readonly key: string,
    private readonly params: ModelDetectorParams,
    private readonly slot: ModelSlot,
  ) {
    this.draw = hashUniform(hashSeriesKey(params.model), hashSeriesKey(key), 1);
  }

  /**
   * Adds the detector of one series. A new detector for a series the group already has means the series' detectors
   * were created afresh (a replay, a state that could not be restored): the group starts over from the members that
   * join from now on (the others join again with their next point).
   */
  join(member: GroupMember): void {
    const existing = this.members.get(member.seriesId);
    if (existing !== undefined && existing !== member) {
      this.members.clear();
      this.lastRow = -Infinity;
    }
    this.members.set(member.seriesId, member);
    if (member.lastRow > this.lastRow) this.lastRow = member.lastRow;
    this.mappedGeneration = -1;
  }

  /** Takes one accepted point of `member`; judges every row it completes. */
  add(member: GroupMember, timestampMs: number, value: number): void {
    if (this.members.get(member.seriesId) !== member) this.join(member);
    const step = Math.floor(timestampMs / this.params.group!.stepMs);
    if (step <= this.lastRow) {
      this.slot.counters.groups.latePoints++;
      return;
    }
    // Rows two steps behind the newest point close, complete or not; then the member has room for its open step.
    for (let row = this.oldestOpen(); row <= step - 2; row = this.oldestOpen()) this.close(row);
    member.addOpen(step, timestampMs, value);
    for (let row = this.oldestOpen(); row !== Infinity && this.complete(row); row = this.oldestOpen()) this.close(row);
  }

  /** The versions the group's rows are judged with: the serving one (production, or staging in the canary) and a shadow. */
  private versionsNow(): { serving: ServedVersion | null; canary: boolean; shadow: ServedVersion | null } {
    const slot = this.slot;
    const canary = slot.mode === 'canary' && this.draw < slot.share;
    return { serving: canary ? slot.candidate : slot.production, canary, shadow: slot.mode === 'shadow' ? slot.candidate : null };
  }

  private oldestOpen(): number {
    let oldest = Infinity;
    for (const member of this.members.values()) oldest = Math.min(oldest, member.oldestOpen());
    return oldest;
  }

  private complete(row: number): boolean {
    const { serving, shadow } = this.versionsNow();
    const version = serving ?? shadow;
    if (version === null) return true;
    const byFeature = this.byFeature(version);
    return byFeature !== null && byFeature.every((member) => member !== undefined && member.hasOpen(row));
  }

  /** Members in `version`'s feature order (undefined where no series of the group is that feature yet); null when its features are unknown. */
  private byFeature(version: ServedVersion): (GroupMember | undefined)[] | null {
    if (this.mappedGeneration !== this.slot.generation) {
      this.mapped.clear();
      this.mappedGeneration = this.slot.generation;
    }
    let byFeature = this.mapped.get(version);
    if (byFeature === undefined) {
      byFeature = this.mapFeatures(version);
      this.mapped.set(version, byFeature);
    }
    return byFeature;
  }

  private mapFeatures(version: ServedVersion): (GroupMember | undefined)[] | null {
    const names = this.featureNames(version);
    if (names === null) return null;
    const index = new Map(names.map((name, f) => [name, f]));
    const byFeature = new Array<GroupMember | undefined>(version.features).fill(undefined);
    for (const member of this.members.values()) {
      const f = index.get(member.feature);
      if (f === undefined) this.slot.note(`series feature ${member.feature} of group ${this.key} is not one of model ${this.params.model} v${version.version}'s features (${names.join(', ')}): it is not judged`);
      else byFeature[f] = member;
    }
    return byFeature;
  }

  private featureNames(version: ServedVersion): readonly string[] | null {
    const group = this.params.group!;
    const names = group.features ?? version.columns?.map((column) => featureOfColumn(group.rule, column)) ?? null;
    const what = `model ${this.params.model} v${version.version}`;
    if (names === null) this.slot.note(`${what} records no training columns: name its ${version.features} features in the model detector's features param`);
    else if (names.length !== version.features) this.slot.note(`${what} takes ${version.features} features, but ${names.length} names are given (${names.join(', ')})`);
    else if (new Set(names).size !== names.length) this.slot.note(`${what}'s features under groupBy ${describeGroupRule(group.rule)} are not distinct (${names.join(', ')}): group by the part of the key that differs between training series`);
    else return names;
    return null;
  }

  /** Judges row `row` with the versions served now, then every member records its value and lets the step go. */
  private close(row: number): void {
    const { serving, canary, shadow } = this.versionsNow();
    if (serving !== null) this.judge(row, serving, canary, false);
    if (shadow !== null) this.judge(row, shadow, false, true);
    for (const member of this.members.values()) member.closeRow(row);
    this.lastRow = row;
  }

  /**
   * Scores the row's members with `version`, unless the row cannot be judged (a feature missing, too many carried,
   * not enough rows before it). The serving version's score stays on each member for the shadow's comparison (the
   * two versions may order their features differently).
   */
  private judge(row: number, version: ServedVersion, canary: boolean, shadow: boolean): void {
    const byFeature = this.byFeature(version);
    const counters = this.slot.counters.groups;
    if (byFeature === null) return;
    const features = version.features;
    const window = version.window;
    let carried = 0;
    for (const member of byFeature) {
      if (member === undefined || !member.hasOpen(row)) carried++;
      if (member === undefined || !Number.isFinite(member.valueFor(row)) || member.filled < window - 1) {
        if (!shadow) counters.rowsSkipped++;
        return;
      }
    }
    if (carried * 2 > features) {
      if (!shadow) counters.rowsSkipped++;
      return;
    }
    let inputs = this.inputs.get(version);
    if (inputs === undefined) {
      inputs = new Float32Array(window * features);
      this.inputs.set(version, inputs);
    }
    for (let f = 0; f < features; f++) {
      const member = byFeature[f]!;
      for (let k = 0; k < window - 1; k++) inputs[k * features + f] = member.columnValue(window - 1 - k);
      inputs[(window - 1) * features + f] = member.valueFor(row);
    }
    const reconstruction = version.reconstructRow(inputs);
    if (!shadow) {
      counters.rowsJudged++;
      if (carried > 0) counters.rowsCarried++;
    }
    const arm = shadow || canary ? this.slot.counters.candidate : this.slot.counters.production;
    for (let f = 0; f < features; f++) {
      const member = byFeature[f]!;
      // A carried value is not the series' own point: nothing to score or to alert on.
      if (!member.hasOpen(row)) continue;
      const value = member.valueFor(row);
      const expected = reconstruction[f]!;
      const scale: ResidualScale = shadow ? member.shadowScale : member.servingScale;
      const z = scale.zThenLearn(Math.abs(value - expected), this.params.zHigh, expected);
      const score = scoreFromZ(z, this.params.zLow, this.params.zHigh);
      if (!shadow) member.servedScore(row, score);
      const generation = this.slot.generation;
      if (shadow ? member.countedShadowGeneration !== generation : member.countedGeneration !== generation) {
        if (shadow) member.countedShadowGeneration = generation;
        else member.countedGeneration = generation;
        arm.series++;
      }
      const alerted = countScore(this.slot, arm, score, Math.abs(value - expected), member.timeFor(row));
      const servingScore = shadow ? member.servingScoreOf(row) : NaN;
      if (!Number.isNaN(servingScore)) countPair(this.slot, servingScore, score);
      if (!alerted) continue;
      const who = `model ${this.params.model} v${version.version}${canary ? ' (canary)' : ''}`;
      const reason = shadow
        ? `shadow ${who} reconstructed ${formatValue(expected)} from group ${this.key} (${features} series); the miss is ${formatValue(z)} times its usual size on this series; stored for comparison, not alerted`
        : `${who} reconstructed ${formatValue(expected)} from group ${this.key} (${features} series); the miss is ${formatValue(z)} times its usual size on this series`;
      this.slot.addAnomaly({
        seriesId: member.seriesId,
        timestampMs: member.timeFor(row),
        value,
        score,
        kind: 'spike',
        expected,
        detector: shadow ? SHADOW_DETECTOR_ID : MODEL_DETECTOR_ID,
        evidence: { reason },
      });
    }
  }
}
