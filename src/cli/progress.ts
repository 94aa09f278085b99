import { SingleBar } from 'cli-progress';

/** Progress on stderr: a live bar on a terminal, a line every few seconds otherwise (CI logs, pipes). */
export class Progress {
  private readonly bar: SingleBar | null;
  private lastLineMs = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = stream.isTTY
      ? new SingleBar({
          stream,
          format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {points} points | ETA {eta_formatted}`,
          hideCursor: true,
          etaBuffer: 50,
        })
      : null;
    this.bar?.start(total, 0, { points: 0 });
  }

  update(done: number, points: number): void {
    if (this.bar !== null) {
      this.bar.update(done, { points });
      return;
    }
    const nowMs = Date.now();
    if (nowMs - this.lastLineMs < 2_000) return;
    this.lastLineMs = nowMs;
    const pct = this.total > 0 ? Math.floor((done / this.total) * 100) : 100;
    this.stream.write(`${this.label}: ${pct}% (${done}/${this.total} ${this.unit}, ${points} points)\n`);
  }

  finish(done: number, points: number): void {
    if (this.bar !== null) {
      this.bar.update(done, { points });
      this.bar.stop();
    } else {
      this.stream.write(`${this.label}: 100% (${done}/${this.total} ${this.unit}, ${points} points)\n`);
    }
  }
}
