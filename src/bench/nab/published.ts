import type { PerProfile } from './profiles.js';

/** A published NAB result (NAB v1.1 scoreboard, complete 58-file corpus). */
export interface PublishedNabResult {
  readonly detector: string;
  readonly scores: PerProfile<number>;
}

export const PUBLISHED_NAB_RESULTS: readonly PublishedNabResult[] = [
  { detector: 'ARTime', scores: { standard: 74.9, reward_low_FP_rate: 65.1, reward_low_FN_rate: 80.4 } },
  { detector: 'Numenta HTM', scores: { standard: 70.1, reward_low_FP_rate: 63.1, reward_low_FN_rate: 74.3 } },
  { detector: 'CAD OSE', scores: { standard: 69.9, reward_low_FP_rate: 67.0, reward_low_FN_rate: 73.2 } },
  { detector: 'KNN CAD', scores: { standard: 58.0, reward_low_FP_rate: 43.4, reward_low_FN_rate: 64.8 } },
  { detector: 'Random Cut Forest', scores: { standard: 51.7, reward_low_FP_rate: 38.4, reward_low_FN_rate: 59.7 } },
  { detector: 'Twitter ADVec', scores: { standard: 47.1, reward_low_FP_rate: 33.6, reward_low_FN_rate: 53.5 } },
  { detector: 'Windowed Gaussian', scores: { standard: 39.6, reward_low_FP_rate: 20.9, reward_low_FN_rate: 47.4 } },
];
