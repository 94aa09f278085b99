import { processRankLauncher } from './process-launcher.js';
import { describeDataParallelTraining } from './training.testsuite.js';

describeDataParallelTraining('tcp', processRankLauncher);
