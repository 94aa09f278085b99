import type { FastifyInstance } from 'fastify';
import { ModelNotServedError, type ComparisonReport } from '../ml/serve/index.js';

export interface ServingRouteDeps {
  /** Null when no detection rule serves a model. */
  readonly serving: { comparison(name: string): Promise<ComparisonReport>; refreshNow(): Promise<void> } | null;
}

/**
 * Model serving over HTTP:
 *   GET /api/v1/models/:name/comparison   production against the rolled-out staging version (shadow or canary):
 *                                         alert rates, score agreement, live and held-out error, and a verdict
 */
export function registerServingRoutes(app: FastifyInstance, deps: ServingRouteDeps): void {
  app.get('/api/v1/models/:name/comparison', async (request) => {
    const { name } = request.params as { name: string };
    if (deps.serving === null) throw new ModelNotServedError(`model ${name} is not served: no detection rule uses the model detector`);
    return deps.serving.comparison(name);
  });
}
