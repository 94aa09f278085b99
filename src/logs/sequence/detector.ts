import type { Session } from './session.js';

/** A trained sequence detector: a session is anomalous when its score exceeds the threshold learnt from training. */
export interface SequenceDetector {
  readonly method: string;
  readonly threshold: number;
  /** Larger is more unusual; a session scoring above `threshold` is an anomaly. */
  score(session: Session): number;
  isAnomalous(session: Session): boolean;
}
