import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSessionLines } from '../../logs/index.js';
import type { Session } from '../../logs/index.js';

/** The DeepLog HDFS split: normal training sessions and the labelled test sessions. */
export interface HdfsSessions {
  readonly train: readonly Session[];
  readonly testNormal: readonly Session[];
  readonly testAbnormal: readonly Session[];
}

export const HDFS_FILES = { train: 'hdfs_train', testNormal: 'hdfs_test_normal', testAbnormal: 'hdfs_test_abnormal' } as const;

function readSessions(dataDir: string, name: string): Session[] {
  const path = join(dataDir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read HDFS sessions ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseSessionLines(text, path);
}

/** Reads `hdfs_train`, `hdfs_test_normal` and `hdfs_test_abnormal` from a directory; none may be empty. */
export function loadHdfsSessions(dataDir: string): HdfsSessions {
  const train = readSessions(dataDir, HDFS_FILES.train);
  const testNormal = readSessions(dataDir, HDFS_FILES.testNormal);
  const testAbnormal = readSessions(dataDir, HDFS_FILES.testAbnormal);
  for (const [name, sessions] of [[HDFS_FILES.train, train], [HDFS_FILES.testNormal, testNormal], [HDFS_FILES.testAbnormal, testAbnormal]] as const) {
    if (sessions.length === 0) throw new Error(`cannot load HDFS sessions: ${join(dataDir, name)} has no sessions`);
  }
  return { train, testNormal, testAbnormal };
}
