import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { packageVersion } from '../shared/version.js';
import {
  checkedLookup,
  hostOf,
  resolveTarget,
  TargetRefusedError,
  type TargetPolicy,
} from './webhook-target.js';

/** What one attempt to deliver came to. */
export interface AttemptResult {
  /** A 2xx answer. */
  delivered: boolean;
  /** The target's answer, when it answered. */
  statusCode: number | null;
  /** Why it was not delivered: the connection's error, the timeout, or the answer's status. */
  error: string | null;
  /** The target was refused (not a public address): retrying will not help. */
  refused: boolean;
  durationMs: number;
}

/** The part of the answer kept for nothing but draining: the receiver's body is not stored. */
const RESPONSE_READ_LIMIT = 64 * 1024;

/**
 * POSTs one signed delivery. The target's addresses are checked inside the socket's own lookup (and an IP literal
 * before connecting), redirects are not followed, and the whole attempt (connect, send, answer) has `timeoutMs`.
 */
export async function sendDelivery(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: TargetPolicy;
}): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = new URL(options.url);
  try {
    // A literal address is connected to without a lookup, so it is checked here.
    if (net.isIP(hostOf(target))) await resolveTarget(hostOf(target), options.policy);
    const statusCode = await post(target, options);
    const delivered = statusCode >= 200 && statusCode < 300;
    return {
      delivered,
      statusCode,
      error: delivered ? null : `The target answered ${statusCode}`,
      refused: false,
      durationMs: elapsed(),
    };
  } catch (error) {
    const refusal = refusalOf(error);
    return {
      delivered: false,
      statusCode: null,
      error: refusal ? `Target refused: ${refusal.message}` : describeError(error),
      refused: refusal !== undefined,
      durationMs: elapsed(),
    };
  }
}

function post(
  target: URL,
  options: { body: string; headers: Record<string, string>; timeoutMs: number; policy: TargetPolicy },
): Promise<number> {
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      agent: false,
      lookup: checkedLookup(options.policy),
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(options.body),
        'user-agent': `vcio-planner-webhooks/${packageVersion}`,
        ...options.headers,
      },
    });
    request.once('error', (error) =>
      reject(
        error.name === 'AbortError' ? new Error(`No answer within ${options.timeoutMs / 1000} s`) : error,
      ),
    );
    request.once('response', (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > RESPONSE_READ_LIMIT) response.destroy();
      });
      response.once('close', () => resolve(response.statusCode ?? 0));
      response.once('error', () => resolve(response.statusCode ?? 0));
    });
    request.end(options.body);
  });
}

/** The refusal behind a failed request: thrown before connecting, or by the socket's lookup. */
function refusalOf(error: unknown): TargetRefusedError | undefined {
  if (error instanceof TargetRefusedError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof TargetRefusedError ? cause : undefined;
}

function describeError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 500);
}
