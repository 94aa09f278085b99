import type { ModelRegistry, ResolvedModel } from '../registry/index.js';
import type { ModelPlan, ServedArtifact, ServedModel, ServingPlan } from './plan.js';

function artifactOf(resolved: ResolvedModel): ServedArtifact {
  const columns = resolved.version.trainingData.columns;
  return { version: resolved.version.version, artifactDir: resolved.artifactDir, ...(columns === undefined ? {} : { columns }) };
}

/**
 * The serving plan for the named models as the registry stands: production, and staging while it is rolled out
 * (shadow or canary) and differs from production. A model that cannot be served is in the plan without versions
 * (its series score 0) and the reason is returned, so one bad model does not stop the others.
 */
export async function planFromRegistry(registry: ModelRegistry, served: readonly ServedModel[]): Promise<{ plan: ServingPlan; problems: string[] }> {
  const problems: string[] = [];
  const models: ModelPlan[] = [];
  for (const { name, shapes } of served) {
    try {
      const deployment = await registry.deployment(name);
      const production = deployment.production === null ? null : artifactOf(deployment.production);
      if (production === null) problems.push(`model ${name} has no production version: its series are not scored until one is promoted`);
      const staging = deployment.staging;
      const rollout = deployment.rollout;
      const candidate =
        staging === null || rollout.mode === 'off' || staging.version.version === production?.version
          ? null
          : { artifact: artifactOf(staging), mode: rollout.mode, share: rollout.mode === 'canary' ? rollout.share : 1 };
      models.push({ name, shapes, production, candidate });
    } catch (error) {
      problems.push(`cannot serve model ${name}: ${(error as Error).message}`);
      models.push({ name, shapes, production: null, candidate: null });
    }
  }
  return { plan: { models }, problems };
}
