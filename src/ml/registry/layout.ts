import * as path from 'node:path';

/*
 * On-disk layout of a registry directory:
 *   audit.log                      every change, one JSON line each
 *   .lock                          held while a process changes anything (file-lock.ts)
 *   .pending.json                  the audit entry of the change in flight (crash recovery)
 *   <name>/aliases.json            current alias targets
 *   <name>/.tmp-<pid>-<random>/    a version being written; renamed to <version>/ when complete
 *   <name>/<version>/version.json  metadata and checksums
 *   <name>/<version>/artifact/     model.json and weight files
 * Model names start with a letter or digit, so the dot-files never collide with a model.
 */

export const AUDIT_LOG = 'audit.log';
export const TEMP_PREFIX = '.tmp-';
const VERSION_DIR = /^[1-9][0-9]*$/;

/** The default registry directory inside the server's data directory. */
export function defaultRegistryDir(dataDir: string): string {
  return path.join(dataDir, 'models');
}

export class RegistryLayout {
  constructor(readonly root: string) {}

  get auditLog(): string {
    return path.join(this.root, AUDIT_LOG);
  }

  get lock(): string {
    return path.join(this.root, '.lock');
  }

  get pending(): string {
    return path.join(this.root, '.pending.json');
  }

  modelDir(name: string): string {
    return path.join(this.root, name);
  }

  aliases(name: string): string {
    return path.join(this.root, name, 'aliases.json');
  }

  versionDir(name: string, version: number): string {
    return path.join(this.root, name, String(version));
  }

  versionFile(name: string, version: number): string {
    return path.join(this.versionDir(name, version), 'version.json');
  }

  artifactDir(name: string, version: number): string {
    return path.join(this.versionDir(name, version), 'artifact');
  }
}

export function isVersionDirName(name: string): boolean {
  return VERSION_DIR.test(name);
}

/** The pid in a temp directory's name, or null when the name is not one the registry writes. */
export function tempDirPid(name: string): number | null {
  const match = /^\.tmp-([0-9]+)-[0-9a-f]+$/.exec(name);
  return match === null ? null : Number(match[1]);
}
