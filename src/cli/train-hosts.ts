import { readFile, stat } from 'node:fs/promises';
import { hostsRankLauncher, parseHostList, type HostPort, type HostsRankLauncher } from '../ml/train/index.js';

/**
 * Reads a shared token from a file (so it is not in `ps`): surrounding whitespace is dropped, an empty file is an
 * error. Warns (without the token) when other users may read the file. `flag` names the option in messages.
 */
export async function readTokenFile(file: string, flag: string, warn: (line: string) => void): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${flag} ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`cannot use ${flag} ${file}: the file is empty`);
  if (/\s/.test(token)) throw new Error(`cannot use ${flag} ${file}: the token must be one line without spaces`);
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) warn(`${flag} ${file} can be read by other users; chmod 600 it`);
  return token;
}

/** `vigil train --hosts`: the host list, checked entry by entry (the bad one named). */
export function parseTrainHosts(text: string): HostPort[] {
  try {
    return parseHostList(text, '--hosts');
  } catch (err) {
    throw new Error(`cannot train: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Connects to every agent before training starts; fails naming the host that cannot be reached or refuses. `note`: lines during the run. */
export async function connectTrainHosts(hosts: readonly HostPort[], tokenFile: string | undefined, note: (line: string) => void): Promise<HostsRankLauncher> {
  const token = tokenFile === undefined ? undefined : await readTokenFile(tokenFile, '--agent-token-file', (line) => process.stderr.write(`vigil train: warning: ${line}\n`));
  const launcher = hostsRankLauncher(hosts, { ...(token === undefined ? {} : { token }), note });
  try {
    await launcher.ready();
  } catch (err) {
    await launcher.close();
    throw new Error(`cannot train: ${err instanceof Error ? err.message : String(err)}`);
  }
  return launcher;
}
