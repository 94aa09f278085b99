import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Go module VictoriaMetrics' single-node binary is built from. */
export const VICTORIA_METRICS_MODULE = 'github.com/VictoriaMetrics/VictoriaMetrics';
/** The release the comparison builds: pinned, so figures stay comparable. */
export const VICTORIA_METRICS_VERSION = 'v1.122.0';
const MAIN_PACKAGE = './app/victoria-metrics';
/** The variable VictoriaMetrics' own Makefile sets, so that `-version` names the release. */
const VERSION_VARIABLE = `${VICTORIA_METRICS_MODULE}/lib/buildinfo.Version`;
const BUILD_TIMEOUT_MS = 15 * 60_000;

export interface VictoriaMetricsBuildOptions {
  /** Folder the binary is built into and reused from (default `<tmpdir>/vigil-bench-vm`). */
  readonly dir?: string;
  /** Release tag of the module (default VICTORIA_METRICS_VERSION). */
  readonly version?: string;
  /** The Go command (default `go` from PATH). */
  readonly goBinary?: string;
  /** Progress notes (building); none by default. */
  readonly note?: (line: string) => void;
}

/** A runnable victoria-metrics binary and the version it reports, or why there is none. */
export type VictoriaMetricsBinary = { readonly binaryPath: string; readonly version: string } | { readonly skipped: string };

export function defaultVictoriaMetricsDir(): string {
  return join(tmpdir(), 'vigil-bench-vm');
}

/** A tool's error output as one line: its last line that reads like an error, else its last line, shortened. */
function oneLine(text: string | null | undefined, fallback: string): string {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return fallback;
  const line = lines.findLast((l) => /error|cannot|fail|forbidden|not found/i.test(l)) ?? lines[lines.length - 1]!;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The release `victoria-metrics -version` prints (`victoria-metrics-v1.122.0` or `victoria-metrics-20250101-...`), or null. */
export function parseVictoriaMetricsVersion(output: string): string | null {
  const match = /^victoria-metrics-(\S+)/m.exec(output);
  return match === null ? null : match[1]!;
}

/** The module's source folder from `go mod download -json` output; throws naming the Error field or what is missing. */
export function parseGoModDownload(output: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch (err) {
    throw new Error(`cannot read go mod download output: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error('cannot read go mod download output: not a JSON object');
  const { Dir: dir, Error: error } = parsed as Record<string, unknown>;
  if (typeof error === 'string' && error !== '') throw new Error(`cannot download ${VICTORIA_METRICS_MODULE}: ${oneLine(error, error)}`);
  if (typeof dir !== 'string' || dir === '') throw new Error('cannot read go mod download output: no Dir');
  return dir;
}

function binaryVersion(binaryPath: string): string | null {
  const ran = spawnSync(binaryPath, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  return ran.status === 0 ? parseVictoriaMetricsVersion(ran.stdout) : null;
}

/**
 * The single-node VictoriaMetrics binary, built from its Go module on first use and reused after:
 * `go mod download` fetches the pinned release into the module cache and `go build` compiles
 * `app/victoria-metrics` there (`go install module@version` refuses this module: its go.mod has
 * replace directives). Returns a skip reason, never throws, when Go is missing or the build fails.
 */
export function prepareVictoriaMetrics(options: VictoriaMetricsBuildOptions = {}): VictoriaMetricsBinary {
  const dir = options.dir ?? defaultVictoriaMetricsDir();
  const version = options.version ?? VICTORIA_METRICS_VERSION;
  const go = options.goBinary ?? 'go';
  const binaryPath = join(dir, `victoria-metrics-${version}`);
  if (existsSync(binaryPath)) {
    const reported = binaryVersion(binaryPath);
    if (reported !== null) return { binaryPath, version: reported };
    rmSync(binaryPath, { force: true });
  }
  const goVersion = spawnSync(go, ['version'], { encoding: 'utf8', timeout: 60_000 });
  if (goVersion.error !== undefined) {
    const missing = (goVersion.error as NodeJS.ErrnoException).code === 'ENOENT';
    return { skipped: missing ? `Go is not installed (no ${go} on PATH); VictoriaMetrics is built from source with it` : `cannot run ${go}: ${goVersion.error.message}` };
  }
  if (goVersion.status !== 0) return { skipped: `cannot run ${go} version: ${oneLine(goVersion.stderr, `exit status ${String(goVersion.status)}`)}` };

  options.note?.(`building VictoriaMetrics ${version} from ${VICTORIA_METRICS_MODULE} into ${dir} (once; a few minutes)`);
  const downloaded = spawnSync(go, ['mod', 'download', '-json', `${VICTORIA_METRICS_MODULE}@${version}`], { encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, cwd: tmpdir() });
  if (downloaded.error !== undefined) return { skipped: `cannot run ${go} mod download: ${downloaded.error.message}` };
  let sourceDir: string;
  try {
    // go prints the JSON, with an Error field, on stdout even when it exits non-zero.
    sourceDir = parseGoModDownload(downloaded.stdout);
  } catch (err) {
    return { skipped: downloaded.status === 0 ? (err as Error).message : `cannot download ${VICTORIA_METRICS_MODULE}@${version}: ${oneLine(downloaded.stderr || downloaded.stdout, `exit status ${String(downloaded.status)}`)}` };
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${binaryPath}.partial`;
  const built = spawnSync(go, ['build', '-trimpath', '-ldflags', `-X ${VERSION_VARIABLE}=victoria-metrics-${version}`, '-o', partial, MAIN_PACKAGE], {
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
    cwd: sourceDir,
  });
  if (built.error !== undefined || built.status !== 0) {
    rmSync(partial, { force: true });
    return { skipped: `cannot build VictoriaMetrics ${version}: ${built.error?.message ?? oneLine(built.stderr, `go build exit status ${String(built.status)}`)}` };
  }
  // Renamed only once whole, so that an interrupted build is never taken for a binary.
  renameSync(partial, binaryPath);
  const reported = binaryVersion(binaryPath);
  if (reported === null) return { skipped: `cannot run the VictoriaMetrics binary built at ${binaryPath}` };
  return { binaryPath, version: reported };
}
