/**
 * Splunk HTTP Event Collector answers, as splunkd gives them: the numeric `code` and `text` of its
 * JSON body, and the HTTP status that goes with each. Clients branch on `code`, so these must match
 * Splunk's exactly.
 */
export const HEC_STATUS = {
  success: { code: 0, text: 'Success', httpStatus: 200 },
  tokenDisabled: { code: 1, text: 'Token disabled', httpStatus: 403 },
  tokenRequired: { code: 2, text: 'Token is required', httpStatus: 401 },
  invalidAuthorization: { code: 3, text: 'Invalid authorization', httpStatus: 401 },
  invalidToken: { code: 4, text: 'Invalid token', httpStatus: 403 },
  noData: { code: 5, text: 'No data', httpStatus: 400 },
  invalidDataFormat: { code: 6, text: 'Invalid data format', httpStatus: 400 },
  incorrectIndex: { code: 7, text: 'Incorrect index', httpStatus: 400 },
  internalError: { code: 8, text: 'Internal server error', httpStatus: 500 },
  serverBusy: { code: 9, text: 'Server is busy', httpStatus: 503 },
  channelMissing: { code: 10, text: 'Data channel is missing', httpStatus: 400 },
  invalidChannel: { code: 11, text: 'Invalid data channel', httpStatus: 400 },
  eventRequired: { code: 12, text: 'Event field is required', httpStatus: 400 },
  eventBlank: { code: 13, text: 'Event field cannot be blank', httpStatus: 400 },
  ackDisabled: { code: 14, text: 'ACK is disabled', httpStatus: 400 },
  indexedFieldsError: { code: 15, text: 'Error in handling indexed fields', httpStatus: 400 },
  queryStringAuthDisabled: { code: 16, text: 'Query string authorization is not enabled', httpStatus: 400 },
  healthy: { code: 17, text: 'HEC is healthy', httpStatus: 200 },
  unhealthyQueuesFull: { code: 18, text: 'HEC is unhealthy, queues are full', httpStatus: 503 },
} as const;

export type HecStatus = keyof typeof HEC_STATUS;

/** Why a HEC request (or the event at `invalidEventNumber`) was refused. */
export interface HecError {
  readonly status: Exclude<HecStatus, 'success' | 'healthy'>;
  /** Zero-based position of the offending event in the body, for errors that belong to one event. */
  readonly invalidEventNumber?: number;
  /** What exactly was wrong (field, value), for Vigil's own logs; Splunk's body does not carry it. */
  readonly cause: string;
}

/** A HEC response body as Splunk writes it. */
export interface HecResponseBody {
  readonly text: string;
  readonly code: number;
  readonly 'invalid-event-number'?: number;
  readonly ackId?: number;
}

export interface HecResponse {
  readonly httpStatus: number;
  readonly body: HecResponseBody;
}

/** The HTTP status and body Splunk answers with for `status`. */
export function hecResponse(status: HecStatus, invalidEventNumber?: number): HecResponse {
  const { code, text, httpStatus } = HEC_STATUS[status];
  const body: HecResponseBody = invalidEventNumber === undefined ? { text, code } : { text, code, 'invalid-event-number': invalidEventNumber };
  return { httpStatus, body };
}

/** The HTTP status and body for a refused request, `invalid-event-number` included when one event is to blame. */
export function hecErrorResponse(error: HecError): HecResponse {
  return hecResponse(error.status, error.invalidEventNumber);
}
