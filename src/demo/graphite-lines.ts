import type { KeyedPoints } from '../model/index.js';

/** Graphite plaintext lines, `path value timestampSeconds\n` each; timestamps are truncated to whole seconds. */
export function formatGraphiteLines(points: KeyedPoints): string {
  let text = '';
  for (let i = 0; i < points.length; i++) {
    text += `${points.keys[i]} ${points.values[i]} ${Math.floor(points.timestampsMs[i] / 1000)}\n`;
  }
  return text;
}
