import {
  BrowserCrashedError,
  RendererBusyError,
  RendererUnavailableError,
  RenderTimeoutError,
} from '../render/renderer.js';
import { AppError } from './errors.js';

/**
 * How the API answers a renderer failure: busy and out of time are a 503 `renderer_busy` with the renderer's
 * Retry-After estimate; no browser is a 503 `renderer_unavailable`, and so is a browser that crashed twice, with a
 * short Retry-After. Anything else passes through unchanged: a hostile page means our own HTML tried to navigate,
 * which is a defect, answered as any unexpected error (a logged 500).
 */
export function renderFailureProblem(error: unknown): unknown {
  if (error instanceof RendererBusyError || error instanceof RenderTimeoutError) {
    return new AppError('renderer_busy', 503, error.message, undefined, {
      'Retry-After': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof RendererUnavailableError)
    return new AppError('renderer_unavailable', 503, error.message);
  if (error instanceof BrowserCrashedError) {
    return new AppError(
      'renderer_unavailable',
      503,
      'The PDF renderer failed while rendering this packet; try again',
      undefined,
      { 'Retry-After': '5' },
    );
  }
  return error;
}
