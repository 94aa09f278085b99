import { jsLstmKernels } from './lstm-js.js';
import { runLstmKernelsSuite } from './lstm-kernels.testsuite.js';

runLstmKernelsSuite('js', async () => jsLstmKernels());
