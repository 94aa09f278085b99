import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;

/** `a · b` for 2-D tensors. */
export type TfProduct = (a: tfjs.Tensor, b: tfjs.Tensor) => tfjs.Tensor2D;

/**
 * matMul whose gradient transposes explicitly before multiplying: tfjs's own matMul gradient uses products with a
 * transposed operand, which the wasm backend runs about 15x slower (ADR 0006).
 */
export function transposingProduct(tf: Tf): TfProduct {
  return tf.customGrad((...args: (tfjs.Tensor | ((save: tfjs.Tensor[]) => void))[]) => {
    const [a, b, save] = args as [tfjs.Tensor2D, tfjs.Tensor2D, (save: tfjs.Tensor[]) => void];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy, saved) => [tf.matMul(dy as tfjs.Tensor2D, tf.transpose(saved[1]!)), tf.matMul(tf.transpose(saved[0]!), dy as tfjs.Tensor2D)],
    };
  }) as TfProduct;
}
