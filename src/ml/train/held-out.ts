import type { TrainableModel } from '../engine/model.js';
import { gatherBatch, sliceExamples, type Examples } from './examples.js';

/** Share of the examples, the newest, kept out of training to measure the model on data it has not seen. */
const HELD_OUT_SHARE = 0.1;
/** Examples per call when measuring, to bound the memory of one forward pass. */
const EVALUATION_BATCH = 256;

/**
 * The newest tenth of the examples (time order) held out, the rest for training; nothing is held out from fewer
 * than 20 examples, where a tenth would measure nothing.
 */
export function splitHeldOut(examples: Examples): { train: Examples; heldOut: Examples } {
  const held = examples.count >= 20 ? Math.floor(examples.count * HELD_OUT_SHARE) : 0;
  return { train: sliceExamples(examples, 0, examples.count - held), heldOut: sliceExamples(examples, examples.count - held, examples.count) };
}

/** The model's mean loss over the examples (NaN when there are none). */
export function heldOutLoss(model: TrainableModel, examples: Examples): number {
  if (examples.count === 0) return Number.NaN;
  const inputs = new Float32Array(EVALUATION_BATCH * examples.inputLength);
  const targets = new Float32Array(EVALUATION_BATCH * examples.targetLength);
  let sum = 0;
  for (let start = 0; start < examples.count; start += EVALUATION_BATCH) {
    const end = Math.min(examples.count, start + EVALUATION_BATCH);
    const indices = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    sum += model.loss(gatherBatch(examples, indices, inputs, targets)) * (end - start);
  }
  return sum / examples.count;
}
