/** A session: the template (log key) ids of one block, request or trace, in arrival order. Ids are positive integers. */
export type Session = Uint32Array;

/**
 * Parses sessions written one per line as whitespace-separated positive integer key ids (the DeepLog HDFS layout).
 * Blank lines are skipped; any other token is an error naming the source, line and token.
 */
export function parseSessionLines(text: string, source: string): Session[] {
  const sessions: Session[] = [];
  const lines = text.split('\n');
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const tokens = lines[lineIndex]!.trim().split(/\s+/);
    if (tokens.length === 1 && tokens[0] === '') continue;
    const session = new Uint32Array(tokens.length);
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t]!;
      const id = /^\d+$/.test(token) ? Number(token) : NaN;
      if (!(id >= 1 && id <= 0xffff_fffe)) throw new Error(`cannot parse session ${source}:${lineIndex + 1}: bad key id ${JSON.stringify(token)}`);
      session[t] = id;
    }
    sessions.push(session);
  }
  return sessions;
}

/** One more than the largest key id in the sessions: the width of a count vector over them, without the unknown slot. */
export function keySpaceOf(sessions: readonly Session[]): number {
  let maxId = 0;
  for (const session of sessions) for (let i = 0; i < session.length; i++) if (session[i]! > maxId) maxId = session[i]!;
  return maxId + 1;
}
