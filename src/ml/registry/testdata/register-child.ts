/*
 * A second process registering into the same registry as the test: argv = root, artifactDir, name, count.
 * Prints the versions it got, one JSON array on stdout.
 */
import { ModelRegistry } from '../index.js';
import { fakeRegisterRequest } from '../test-support.js';

const [root, artifactDir, name, count] = process.argv.slice(2);
const registry = new ModelRegistry({ root: root!, lockTimeoutMs: 60_000 });
const versions: number[] = [];
for (let i = 0; i < Number(count); i++) versions.push((await registry.register(fakeRegisterRequest(name!, artifactDir!, { creator: `child-${process.pid}` }))).version);
process.stdout.write(`${JSON.stringify(versions)}\n`);
