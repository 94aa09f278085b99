import type { LogSeverity } from '../model/index.js';
import type { LogValues } from './log-values.js';

/** The kinds of host a synthetic fleet has; each message shape is written by hosts of one role. */
export const HOST_ROLES = ['web', 'app', 'db', 'auth', 'cache', 'batch'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

/** One kind of log line: who writes it, how often, and how its text is made. */
export interface LogShape {
  readonly role: HostRole;
  /** Syslog APP-NAME of the program writing it. */
  readonly app: string;
  /** File it would be read from, the HEC `source`. */
  readonly source: string;
  readonly sourcetype: string;
  readonly severity: LogSeverity;
  /** Syslog facility code (RFC 5424 §6.2.1). */
  readonly facility: number;
  /** Relative frequency among all shapes. */
  readonly weight: number;
  readonly text: (v: LogValues) => string;
}

const USER = 1;
const DAEMON = 3;
const AUTHPRIV = 10;
const CRON = 9;
const KERN = 0;
const LOCAL0 = 16;

const ACCESS = { role: 'web', app: 'nginx', source: '/var/log/nginx/access.log', sourcetype: 'access_combined', facility: LOCAL0 } as const;
const NGINX_ERROR = { role: 'web', app: 'nginx', source: '/var/log/nginx/error.log', sourcetype: 'nginx:error', facility: LOCAL0 } as const;
const ORDERS = { role: 'app', app: 'orders', source: '/var/log/orders/app.log', sourcetype: 'log4j', facility: LOCAL0 } as const;
const GC = { role: 'app', app: 'orders', source: '/var/log/orders/gc.log', sourcetype: 'jvm:gc', facility: LOCAL0 } as const;
const POSTGRES = { role: 'db', app: 'postgres', source: '/var/log/postgresql/postgresql-16-main.log', sourcetype: 'postgresql', facility: LOCAL0 } as const;
const MYSQL = { role: 'db', app: 'mysqld', source: '/var/log/mysql/error.log', sourcetype: 'mysql:error', facility: DAEMON } as const;
const SSHD = { role: 'auth', app: 'sshd', source: '/var/log/auth.log', sourcetype: 'linux_secure', facility: AUTHPRIV } as const;
const SUDO = { role: 'auth', app: 'sudo', source: '/var/log/auth.log', sourcetype: 'linux_secure', facility: AUTHPRIV } as const;
const REDIS = { role: 'cache', app: 'redis-server', source: '/var/log/redis/redis-server.log', sourcetype: 'redis', facility: DAEMON } as const;
const KERNEL = { role: 'batch', app: 'kernel', source: '/var/log/kern.log', sourcetype: 'syslog', facility: KERN } as const;
const KUBELET = { role: 'batch', app: 'kubelet', source: '/var/log/syslog', sourcetype: 'syslog', facility: DAEMON } as const;
const CRON_D = { role: 'batch', app: 'CRON', source: '/var/log/syslog', sourcetype: 'syslog', facility: CRON } as const;
const SYSTEMD = { role: 'batch', app: 'systemd', source: '/var/log/syslog', sourcetype: 'syslog', facility: DAEMON } as const;
const ETL = { role: 'batch', app: 'etl', source: '/var/log/etl/jobs.log', sourcetype: 'etl', facility: USER } as const;

const thread = (v: LogValues): string => `http-nio-8080-exec-${v.int(1, 200)}`;
const ms = (v: LogValues, low: number, high: number): number => v.int(low, high);

/**
 * The message shapes of the synthetic load: a web tier, a JVM service, databases, SSH and sudo, redis,
 * and batch hosts with kernel, kubelet, cron and ETL lines. Weights give a busy access log, steady
 * service chatter and rarer warnings and errors, as a real fleet writes.
 */
export const LOG_SHAPES: readonly LogShape[] = [
  { ...ACCESS, severity: 'info', weight: 300, text: (v) => `${v.ip()} - - [${v.clfDate()}] "GET ${v.path()} HTTP/1.1" ${v.next() < 0.9 ? 200 : 304} ${v.int(120, 90_000)} "-" "${v.userAgent()}"` },
  { ...ACCESS, severity: 'info', weight: 60, text: (v) => `${v.ip()} - ${v.user()} [${v.clfDate()}] "POST ${v.path()} HTTP/1.1" ${v.next() < 0.8 ? 201 : 200} ${v.int(40, 4_000)} "https://shop.example.com${v.path()}" "${v.userAgent()}"` },
  { ...ACCESS, severity: 'warning', weight: 25, text: (v) => `${v.ip()} - - [${v.clfDate()}] "GET ${v.path()} HTTP/1.1" 404 ${v.int(150, 600)} "-" "${v.userAgent()}"` },
  { ...ACCESS, severity: 'error', weight: 6, text: (v) => `${v.ip()} - - [${v.clfDate()}] "POST ${v.path()} HTTP/1.1" ${v.pick([500, 502, 503, 504])} ${v.int(150, 600)} "-" "${v.userAgent()}"` },
  {
    ...NGINX_ERROR,
    severity: 'error',
    weight: 4,
    text: (v) => {
      const path = v.path();
      return `${v.slashDate()} [error] ${v.int(900, 4000)}#0: *${v.int(1, 9_999_999)} upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${v.ip()}, server: shop.example.com, request: "GET ${path} HTTP/1.1", upstream: "http://10.0.${v.int(0, 9)}.${v.int(2, 60)}:8080${path}", host: "shop.example.com"`;
    },
  },
  { ...NGINX_ERROR, severity: 'error', weight: 2, text: (v) => `${v.slashDate()} [error] ${v.int(900, 4000)}#0: *${v.int(1, 9_999_999)} connect() failed (111: Connection refused) while connecting to upstream, client: ${v.ip()}, server: shop.example.com, request: "POST ${v.path()} HTTP/1.1", upstream: "http://10.0.${v.int(0, 9)}.${v.int(2, 60)}:8080/", host: "shop.example.com"` },
  { ...NGINX_ERROR, severity: 'warning', weight: 3, text: (v) => `${v.slashDate()} [warn] ${v.int(900, 4000)}#0: *${v.int(1, 9_999_999)} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/${v.int(1, 9)}/${pad2(v.int(0, 99))}/${v.int(1_000_000, 9_999_999)} while reading upstream, client: ${v.ip()}` },
  { ...ORDERS, severity: 'info', weight: 80, text: (v) => `INFO  [${thread(v)}] c.e.orders.OrderController - Created order ${v.int(1_000_000, 9_999_999)} for customer ${v.int(10_000, 999_999)} in ${ms(v, 3, 400)} ms (request ${v.requestId()})` },
  { ...ORDERS, severity: 'info', weight: 60, text: (v) => `INFO  [${thread(v)}] c.e.orders.OrderController - GET /orders/${v.int(1_000_000, 9_999_999)} answered 200 in ${ms(v, 1, 120)} ms (request ${v.requestId()})` },
  { ...ORDERS, severity: 'debug', weight: 40, text: (v) => `DEBUG [pool-${v.int(1, 8)}-thread-${v.int(1, 32)}] c.e.cache.CacheLoader - Cache miss for key user:${v.int(10_000, 999_999)}, loading from database` },
  { ...ORDERS, severity: 'info', weight: 30, text: (v) => `INFO  [kafka-consumer-${v.int(0, 11)}] c.e.events.OrderEventsConsumer - Processed ${v.int(1, 500)} records from topic orders partition ${v.int(0, 23)} offset ${v.int(1_000_000, 99_999_999)}` },
  { ...ORDERS, severity: 'warning', weight: 10, text: (v) => `WARN  [${thread(v)}] c.e.payments.PaymentClient - Retrying payment ${v.uuid()} after ${ms(v, 100, 2_000)} ms (attempt ${v.int(1, 3)} of 3)` },
  { ...ORDERS, severity: 'error', weight: 4, text: (v) => `ERROR [${thread(v)}] c.e.orders.OrderService - Failed to reserve inventory for order ${v.int(1_000_000, 9_999_999)}: java.net.SocketTimeoutException: Read timed out after ${ms(v, 5_000, 30_000)} ms (request ${v.requestId()})` },
  { ...ORDERS, severity: 'error', weight: 3, text: (v) => `ERROR [${thread(v)}] com.zaxxer.hikari.pool.HikariPool - HikariPool-1 - Connection is not available, request timed out after ${ms(v, 30_000, 30_050)}ms.` },
  { ...ORDERS, severity: 'error', weight: 2, text: (v) => `ERROR [${thread(v)}] c.e.orders.ShippingClient - Request ${v.requestId()} to ${v.service()} failed: HTTP 503 Service Unavailable after ${ms(v, 10, 3_000)} ms` },
  { ...ORDERS, severity: 'info', weight: 1, text: () => `INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http) with context path ''` },
  {
    ...GC,
    severity: 'info',
    weight: 25,
    text: (v) => {
      const heap = v.int(2_048, 8_192);
      const before = v.int(heap >> 1, heap - 10);
      return `[${v.decimal(100, 900_000, 3)}s][info][gc] GC(${v.int(1, 99_999)}) Pause Young (Normal) (G1 Evacuation Pause) ${before}M->${v.int(heap >> 3, before >> 1)}M(${heap}M) ${v.decimal(1, 80, 3)}ms`;
    },
  },
  {
    ...GC,
    severity: 'warning',
    weight: 1,
    text: (v) => {
      const heap = v.int(2_048, 8_192);
      return `[${v.decimal(100, 900_000, 3)}s][info][gc] GC(${v.int(1, 99_999)}) Pause Full (G1 Compaction Pause) ${heap - v.int(1, 64)}M->${v.int(heap >> 2, heap >> 1)}M(${heap}M) ${v.decimal(400, 9_000, 3)}ms`;
    },
  },
  { ...POSTGRES, severity: 'info', weight: 40, text: (v) => `LOG:  duration: ${v.decimal(0.05, 900, 3)} ms  statement: SELECT * FROM ${v.table()} WHERE customer_id = ${v.int(10_000, 999_999)} ORDER BY created_at DESC LIMIT ${v.pick([10, 50, 100])}` },
  { ...POSTGRES, severity: 'info', weight: 4, text: (v) => `LOG:  checkpoint complete: wrote ${v.int(10, 90_000)} buffers (${v.decimal(0, 40, 1)}%); 0 WAL file(s) added, ${v.int(0, 9)} removed, ${v.int(0, 30)} recycled; write=${v.decimal(0, 270, 3)} s, sync=${v.decimal(0, 2, 3)} s, total=${v.decimal(0, 272, 3)} s` },
  { ...POSTGRES, severity: 'error', weight: 4, text: (v) => `ERROR:  canceling statement due to statement timeout; process ${v.int(1_000, 99_999)} ran UPDATE ${v.table()} SET status = 'shipped' WHERE id = ${v.int(1_000_000, 9_999_999)}` },
  { ...POSTGRES, severity: 'error', weight: 1, text: (v) => `ERROR:  deadlock detected: Process ${v.int(1_000, 99_999)} waits for ShareLock on transaction ${v.int(1_000_000, 99_999_999)}; blocked by process ${v.int(1_000, 99_999)}.` },
  { ...POSTGRES, severity: 'critical', weight: 1, text: () => 'FATAL:  remaining connection slots are reserved for non-replication superuser connections' },
  { ...MYSQL, severity: 'warning', weight: 5, text: (v) => `[Warning] [MY-010055] [Server] Aborted connection ${v.int(10_000, 9_999_999)} to db: 'shop' user: '${v.user()}' host: '${v.ip()}' (Got timeout reading communication packets)` },
  { ...SSHD, severity: 'warning', weight: 25, text: (v) => `Failed password for invalid user ${v.invalidUser()} from ${v.ip()} port ${v.port()} ssh2` },
  { ...SSHD, severity: 'warning', weight: 10, text: (v) => `Failed password for ${v.user()} from ${v.ip()} port ${v.port()} ssh2` },
  { ...SSHD, severity: 'info', weight: 12, text: (v) => `Accepted publickey for ${v.user()} from ${v.ip()} port ${v.port()} ssh2: RSA SHA256:${v.base64(43)}` },
  { ...SSHD, severity: 'info', weight: 12, text: (v) => `pam_unix(sshd:session): session opened for user ${v.user()}(uid=${v.int(1_000, 1_200)}) by (uid=0)` },
  { ...SSHD, severity: 'info', weight: 10, text: (v) => `Connection closed by authenticating user ${v.user()} ${v.ip()} port ${v.port()} [preauth]` },
  { ...SSHD, severity: 'error', weight: 2, text: (v) => `error: maximum authentication attempts exceeded for root from ${v.ip()} port ${v.port()} ssh2 [preauth]` },
  { ...SUDO, severity: 'warning', weight: 2, text: (v) => `pam_unix(sudo:auth): authentication failure; logname=${v.user()} uid=${v.int(1_000, 1_200)} euid=0 tty=/dev/pts/${v.int(0, 9)} ruser=${v.user()} rhost=  user=${v.user()}` },
  { ...SUDO, severity: 'notice', weight: 4, text: (v) => `${v.user()} : TTY=pts/${v.int(0, 9)} ; PWD=/home/${v.user()} ; USER=root ; COMMAND=/usr/bin/systemctl restart ${v.service()}` },
  { ...REDIS, severity: 'info', weight: 6, text: (v) => `${v.int(1, 99_999)}:M ${v.redisDate()} * ${v.int(1, 10_000)} changes in ${v.pick([60, 300, 900])} seconds. Saving...` },
  { ...REDIS, severity: 'info', weight: 6, text: (v) => `${v.int(1, 99_999)}:M ${v.redisDate()} * Background saving started by pid ${v.int(1, 99_999)}` },
  { ...REDIS, severity: 'info', weight: 6, text: (v) => `${v.int(1, 99_999)}:C ${v.redisDate()} * DB saved on disk` },
  { ...REDIS, severity: 'warning', weight: 1, text: (v) => `${v.int(1, 99_999)}:M ${v.redisDate()} # Client id=${v.int(1, 9_999_999)} addr=${v.ip()}:${v.port()} closed for overcoming of output buffer limits.` },
  { ...KERNEL, severity: 'critical', weight: 1, text: (v) => `Out of memory: Killed process ${v.int(1_000, 4_000_000)} (java) total-vm:${v.int(4_000_000, 16_000_000)}kB, anon-rss:${v.int(2_000_000, 8_000_000)}kB, file-rss:0kB, shmem-rss:0kB, UID:${v.int(1_000, 1_200)} pgtables:${v.int(8_000, 30_000)}kB oom_score_adj:0` },
  { ...KERNEL, severity: 'warning', weight: 2, text: (v) => `TCP: request_sock_TCP: Possible SYN flooding on port ${v.pick([80, 443, 8080])}. Sending cookies.  Check SNMP counters.` },
  {
    ...KUBELET,
    severity: 'error',
    weight: 5,
    text: (v) => {
      const pod = v.pod();
      const container = v.container();
      return `E${v.klogDate()} ${v.int(1_000, 9_999)} pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"${container}\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=${container} pod=${pod}_default(${v.uuid()})\\"" pod="default/${pod}"`;
    },
  },
  { ...KUBELET, severity: 'info', weight: 10, text: (v) => `I${v.klogDate()} ${v.int(1_000, 9_999)} kubelet.go:2457] "SyncLoop (PLEG): event for pod" pod="default/${v.pod()}" event={"Type":"ContainerStarted","Data":"${v.hex(64)}"}` },
  { ...CRON_D, severity: 'info', weight: 5, text: (v) => `(${v.user()}) CMD (/usr/local/bin/backup.sh --target s3://backups/${v.table()} --keep ${v.int(3, 30)} >/dev/null 2>&1)` },
  { ...SYSTEMD, severity: 'info', weight: 5, text: (v) => `Started Session ${v.int(1, 99_999)} of User ${v.user()}.` },
  { ...ETL, severity: 'info', weight: 8, text: (v) => `INFO job=${v.hex(12)} stage=load finished: ${v.int(0, 5_000_000)} rows written to warehouse.${v.table()} in ${v.decimal(0.5, 900, 2)}s` },
  { ...ETL, severity: 'warning', weight: 2, text: (v) => `WARN Disk usage on /var/lib/docker is ${v.int(85, 99)}% (threshold 85%), ${v.int(1, 40)} GiB free` },
];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
