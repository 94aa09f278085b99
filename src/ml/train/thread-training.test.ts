import { describeDataParallelTraining } from './training.testsuite.js';
import { threadRankLauncher } from './thread-launcher.js';

describeDataParallelTraining('threads', threadRankLauncher);
