import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTrainAgent, type TrainAgent } from './agent.js';
import { hostsRankLauncher } from './hosts-launcher.js';
import { describeDataParallelTraining } from './training.testsuite.js';

// The shared training contract with every rank run by one of two training agents on this host (worker i on agent i % 2).
let agents: TrainAgent[] = [];
beforeAll(async () => {
  agents = await Promise.all([0, 1].map(() => startTrainAgent({ host: '127.0.0.1', port: 0 })));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
});

describeDataParallelTraining('hosts (two train agents)', () => hostsRankLauncher(agents.map((a) => a.address)));

it('leaves no rank running on the agents once the runs are over', () => {
  expect(agents.flatMap((a) => a.rankPids())).toEqual([]);
});
