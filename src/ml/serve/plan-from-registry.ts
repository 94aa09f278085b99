import type { ModelRegistry } from '../registry/index.js';
import type { ModelPlan, ServingPlan } from './plan.js';

/**
 * The serving plan for the named models as the registry stands: production, and staging while it is rolled out
 * (shadow or canary) and differs from production. A model that cannot be served is in the plan without versions
 * (its series score 0) and the reason is returned, so one bad model does not stop the others.
 */
export async function planFromRegistry(registry: ModelRegistry, names: readonly string[]): Promise<{ plan: ServingPlan; problems: string[] }> {
  const problems: string[] = [];
  const models: ModelPlan[] = [];
  for (const name of names) {
    try {
      const deployment = await registry.deployment(name);
      const production = deployment.production === null ? null : { version: deployment.production.version.version, artifactDir: deployment.production.artifactDir };
      if (production === null) problems.push(`model ${name} has no production version: its series are not scored until one is promoted`);
      const staging = deployment.staging;
      const rollout = deployment.rollout;
      const candidate =
        staging === null || rollout.mode === 'off' || staging.version.version === production?.version
          ? null
          : { artifact: { version: staging.version.version, artifactDir: staging.artifactDir }, mode: rollout.mode, share: rollout.mode === 'canary' ? rollout.share : 1 };
      models.push({ name, production, candidate });
    } catch (error) {
      problems.push(`cannot serve model ${name}: ${(error as Error).message}`);
      models.push({ name, production: null, candidate: null });
    }
  }
  return { plan: { models }, problems };
}
