import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface UiAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Hashed build assets never change under the same name; everything else is revalidated. */
  readonly immutable: boolean;
}

/**
 * Serves the built web UI from a directory: files by path, and index.html for any other path so the
 * single-page app can own its URLs. Paths that try to leave the directory are refused.
 */
export class UiAssets {
  private readonly cache = new Map<string, UiAsset>();

  constructor(private readonly dir: string) {}

  async get(urlPath: string): Promise<UiAsset | null> {
    const relative = normalize(decodeURIComponent(urlPath.split('?')[0] ?? '/')).replace(/^[/\\]+/, '');
    if (relative.split(sep).includes('..')) return null;
    const candidate = relative === '' ? 'index.html' : relative;
    return (await this.load(candidate)) ?? (extname(candidate) === '' ? this.load('index.html') : null);
  }

  private async load(relative: string): Promise<UiAsset | null> {
    const cached = this.cache.get(relative);
    if (cached !== undefined) return cached;
    const file = join(this.dir, relative);
    try {
      if (!(await stat(file)).isFile()) return null;
    } catch {
      return null;
    }
    const asset: UiAsset = {
      body: await readFile(file),
      contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      immutable: relative.startsWith('assets/'),
    };
    this.cache.set(relative, asset);
    return asset;
  }
}
