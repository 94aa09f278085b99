/**
 * Syslog's eight severities (RFC 5424 §6.2.1), most severe first: the index of each is its
 * numerical code, so `LOG_SEVERITIES[pri & 7]` names a syslog message's severity.
 */
export const LOG_SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;

export type LogSeverity = (typeof LOG_SEVERITIES)[number];

/** One log line or event as every log parser produces it, whatever the protocol it came by. */
export interface LogRecord {
  /** When the event happened (the sender's timestamp), or when it was received if it carried none. */
  readonly timestampMs: number;
  /** Host that produced the event; the sender's address (or `''`) when the message names none. */
  readonly host: string;
  /** Where the event came from: a file, an input or a protocol label such as `syslog_tcp`. */
  readonly source: string;
  /** Kind of data, as Splunk names it (`syslog`, `access_combined`, `_json`, ...). */
  readonly sourcetype?: string;
  readonly severity: LogSeverity;
  /** Syslog facility keyword (`kern`, `user`, `local0`, ...), for messages that carry one. */
  readonly facility?: string;
  /** Syslog APP-NAME (RFC 5424) or TAG (RFC 3164). */
  readonly appName?: string;
  readonly procId?: string;
  readonly msgId?: string;
  /** The free text of the event. */
  readonly message: string;
  /** Named values carried beside the message: structured data, indexed fields, JSON event fields. */
  readonly fields: Readonly<Record<string, string>>;
}
