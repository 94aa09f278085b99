import { SingleBar } from 'cli-progress';
import type { StepReport } from '../ml/train/index.js';

/**
 * `vigil train`'s progress on stderr: a live bar with loss, throughput and ETA on a terminal, a line every few
 * seconds otherwise. Throughput is over the last few seconds, so a re-formed ring's speed shows quickly.
 */
export class TrainProgress {
  private readonly bar: SingleBar | null;
  private lastLineMs = 0;
  private readonly startMs = Date.now();
  private window: { atMs: number; samples: number }[] = [];
  private samples = 0;

  constructor(
    private readonly totalSteps: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = stream.isTTY
      ? new SingleBar({ stream, format: 'train [{bar}] {percentage}% | step {value}/{total} | epoch {epoch} | loss {loss} | {rate} samples/s | {ranks} workers | ETA {eta_formatted}', hideCursor: true, etaBuffer: 30 })
      : null;
    this.bar?.start(totalSteps, 0, { epoch: 0, loss: '-', rate: '-', ranks: '-' });
  }

  step(report: StepReport): void {
    const nowMs = Date.now();
    this.samples += report.samples;
    this.window.push({ atMs: nowMs, samples: this.samples });
    while (this.window.length > 2 && nowMs - this.window[0]!.atMs > 5_000) this.window.shift();
    const first = this.window[0]!;
    const spanMs = nowMs - first.atMs;
    const rate = spanMs > 0 ? ((this.samples - first.samples) / spanMs) * 1000 : 0;
    const fields = { epoch: report.epoch, loss: report.loss.toPrecision(4), rate: rate > 0 ? rate.toFixed(0) : '-', ranks: report.ranks };
    if (this.bar !== null) {
      this.bar.update(Math.min(report.step, this.totalSteps), fields);
      return;
    }
    if (nowMs - this.lastLineMs < 2_000) return;
    this.lastLineMs = nowMs;
    const etaS = rate > 0 ? Math.max(0, this.totalSteps - report.step) * (report.samples / rate) : Number.NaN;
    this.stream.write(`train: step ${report.step}/${this.totalSteps}, epoch ${report.epoch}, loss ${fields.loss}, ${fields.rate} samples/s, ${report.ranks} workers, ETA ${Number.isFinite(etaS) ? `${etaS.toFixed(0)} s` : '-'}\n`);
  }

  /** A line about the run (membership changes, checkpoints) without breaking the bar. */
  note(line: string): void {
    if (this.bar !== null) this.stream.write('\n');
    this.stream.write(`${line}\n`);
  }

  finish(): { elapsedMs: number; samples: number } {
    this.bar?.stop();
    return { elapsedMs: Date.now() - this.startMs, samples: this.samples };
  }
}
