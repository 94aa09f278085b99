import { seededRandom } from '../util/index.js';

const USERS = ['alice', 'bob', 'carol', 'deploy', 'jenkins', 'postgres', 'www-data', 'backup', 'svc-orders', 'svc-billing', 'ops', 'mallory'];
const INVALID_USERS = ['admin', 'test', 'oracle', 'ubuntu', 'guest', 'user', 'ftpuser', 'support', 'pi', 'git'];
const PATH_ROOTS = ['/api/v1/orders', '/api/v1/users', '/api/v1/cart', '/api/v2/search', '/static/js', '/static/css', '/products', '/checkout', '/account/settings', '/healthz'];
const PATH_LEAVES = ['app.3f9c1b.js', 'main.css', 'logo.png', 'items', 'history', 'preferences', 'payment', 'reviews'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'curl/8.5.0',
  'kube-probe/1.29',
  'Go-http-client/1.1',
];
const SERVICES = ['payments', 'inventory', 'shipping', 'pricing', 'recommendations', 'identity'];
const TABLES = ['orders', 'order_items', 'customers', 'invoices', 'sessions', 'events_daily'];
const CONTAINERS = ['api', 'worker', 'sidecar', 'migrate'];
const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Lines that name the same request id: a request id is reused this many times before the next one. */
const LINES_PER_REQUEST = 4;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The varying parts of synthetic log lines (numbers, addresses, ids, paths, users), drawn from one seeded
 * generator so that a load is the same on every run; `timestampMs` is the time of the line being made.
 */
export class LogValues {
  private readonly random: () => number;
  private requests = 0;
  timestampMs = 0;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.random();
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1));
  }

  /** A number in [low, high) with `digits` decimals. */
  decimal(low: number, high: number, digits: number): string {
    return (low + this.random() * (high - low)).toFixed(digits);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** A client address: mostly private ranges, some public. */
  ip(): string {
    if (this.random() < 0.7) return `10.${this.int(0, 31)}.${this.int(0, 255)}.${this.int(1, 254)}`;
    return `${this.int(23, 213)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }

  port(): number {
    return this.int(32768, 60999);
  }

  hex(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += HEX[Math.floor(this.random() * 16)];
    return text;
  }

  base64(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += BASE64[Math.floor(this.random() * 64)];
    return text;
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`;
  }

  /** The id of the request being served: several lines in a row name the same one, as a request's lines do. */
  requestId(): string {
    const request = Math.floor(this.requests++ / LINES_PER_REQUEST);
    const state = seededRandom(request + 0x5eed);
    let text = '';
    for (let i = 0; i < 32; i++) text += HEX[Math.floor(state() * 16)];
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-a${text.slice(17, 20)}-${text.slice(20, 32)}`;
  }

  user(): string {
    return this.pick(USERS);
  }

  invalidUser(): string {
    return this.pick(INVALID_USERS);
  }

  path(): string {
    const root = this.pick(PATH_ROOTS);
    const r = this.random();
    if (r < 0.4) return `${root}/${this.int(1, 999_999)}`;
    if (r < 0.7) return `${root}/${this.pick(PATH_LEAVES)}`;
    if (r < 0.85) return `${root}?page=${this.int(1, 40)}&size=${this.pick([20, 50, 100])}`;
    return root;
  }

  userAgent(): string {
    return this.pick(USER_AGENTS);
  }

  service(): string {
    return this.pick(SERVICES);
  }

  table(): string {
    return this.pick(TABLES);
  }

  container(): string {
    return this.pick(CONTAINERS);
  }

  pod(): string {
    return `${this.service()}-${this.hex(10)}-${this.hex(5)}`;
  }

  /** `10/Oct/2024:13:55:36 +0000`, as web access logs write the time. */
  clfDate(): string {
    const d = new Date(this.timestampMs);
    return `${pad(d.getUTCDate(), 2)}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} +0000`;
  }

  /** `2024/10/10 13:55:36`, as nginx's error log writes the time. */
  slashDate(): string {
    const d = new Date(this.timestampMs);
    return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  }

  /** `10 Oct 2024 13:55:36.123`, as redis writes the time. */
  redisDate(): string {
    const d = new Date(this.timestampMs);
    return `${pad(d.getUTCDate(), 2)} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
  }

  /** `1010 13:55:36.123456`, as klog writes the time after its level letter. */
  klogDate(): string {
    const d = new Date(this.timestampMs);
    return `${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds() * 1000 + this.int(0, 999), 6)}`;
  }
}
