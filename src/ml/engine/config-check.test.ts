import { describe, expect, it } from 'vitest';
import { checkModelConfig, parseModelConfig } from './config-check.js';
import type { LstmForecasterConfig, ModelConfig } from './model.js';

const forecaster: LstmForecasterConfig = {
  kind: 'lstm-forecaster',
  window: 48,
  horizon: 12,
  features: 2,
  units: 32,
  layers: 2,
  quantiles: [0.05, 0.5, 0.95],
  normalization: { center: [0, 1], scale: [1, 2] },
  seed: 1,
};

const valid: readonly ModelConfig[] = [
  forecaster,
  { kind: 'lstm-autoencoder', window: 8, features: 1, units: 4, normalization: { center: [0], scale: [1] }, seed: 0 },
  { kind: 'deeplog', window: 10, vocabularySize: 30, units: 64, layers: 2, seed: -3 },
  { kind: 'dense-autoencoder', features: 2, hidden: [4, 1, 4], normalization: { center: [0, 0], scale: [1, 1] }, seed: 9 },
];

/** The config as JSON would hand it over: fields may be anything. */
function withField(field: string, value: unknown, base: object = forecaster): unknown {
  return { ...base, [field]: value };
}

describe('model configs', () => {
  it('accepts every kind and returns a frozen copy', () => {
    for (const config of valid) {
      const checked = checkModelConfig(config);
      expect(checked).toEqual(config);
      expect(checked).not.toBe(config);
      expect(Object.isFrozen(checked)).toBe(true);
    }
    const quantiles = [0.1, 0.9];
    const checked = checkModelConfig({ ...forecaster, quantiles }) as LstmForecasterConfig;
    expect(Object.isFrozen(quantiles)).toBe(false);
    expect(Object.isFrozen(checked.quantiles)).toBe(true);
    expect(Object.isFrozen(checked.normalization.scale)).toBe(true);
  });

  it('names the field and the value that are wrong', () => {
    const cases: [unknown, string][] = [
      [withField('window', 0), 'cannot create model lstm-forecaster: window must be an integer >= 1, got 0'],
      [withField('units', 2.5), 'cannot create model lstm-forecaster: units must be an integer >= 1, got 2.5'],
      [withField('horizon', '12'), "cannot create model lstm-forecaster: horizon must be an integer >= 1, got '12'"],
      [withField('layers', 2 ** 21), 'cannot create model lstm-forecaster: layers must be at most 1048576, got 2097152'],
      [withField('quantiles', [0.5, 0.1]), 'cannot create model lstm-forecaster: quantiles must be strictly ascending, got [0.5, 0.1]'],
      [withField('quantiles', [0.1, 1]), 'cannot create model lstm-forecaster: quantiles[1] must be a number in (0, 1), got 1'],
      [withField('quantiles', []), 'cannot create model lstm-forecaster: quantiles must be a non-empty array, got []'],
      [withField('normalization', { center: [0], scale: [1] }), 'cannot create model lstm-forecaster: normalization.center must hold one number per feature (2), got [0]'],
      [withField('normalization', { center: [0, 0], scale: [1, 0] }), 'cannot create model lstm-forecaster: normalization.scale[1] must be a finite number > 0, got 0'],
      [withField('normalization', undefined), 'cannot create model lstm-forecaster: normalization must be an object { center, scale }, got undefined'],
      [withField('seed', 0.5), 'cannot create model lstm-forecaster: seed must be an integer, got 0.5'],
      [withField('windows', 3), 'cannot create model lstm-forecaster: unknown field windows (a lstm-forecaster config has window, horizon, features, units, layers, quantiles, normalization, seed)'],
      [withField('hidden', [4, 0], valid[3]), 'cannot create model dense-autoencoder: hidden[1] must be an integer >= 1, got 0'],
      [withField('vocabularySize', undefined, valid[2]), 'cannot create model deeplog: vocabularySize must be an integer >= 1, got undefined'],
      [withField('kind', 'lstm'), "cannot create model lstm: kind must be one of lstm-forecaster, lstm-autoencoder, deeplog, dense-autoencoder, got 'lstm'"],
      [null, 'cannot create model: the config must be an object, got null'],
    ];
    for (const [config, message] of cases) expect(() => checkModelConfig(config), message).toThrow(message);
  });

  it('reports a problem without throwing when parsing stored configs', () => {
    expect(parseModelConfig(withField('window', -1))).toEqual({ problem: 'window must be an integer >= 1, got -1' });
    expect(parseModelConfig(forecaster)).toEqual({ config: forecaster });
  });
});
