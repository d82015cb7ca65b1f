import type { RenderStage } from './render-request.js';

export type RenderFailure = 'busy' | 'timeout' | 'unavailable' | 'browser_crashed' | 'navigation';

/**
 * Why a render failed, in the renderer's own words; callers decide what each means to their clients (the API maps
 * them to problem+json in `http/render-problems.ts`).
 */
export class RenderError extends Error {
  constructor(
    readonly reason: RenderFailure,
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/** The pool and its queue are full; the render was not accepted. */
export class RendererBusyError extends RenderError {
  declare readonly reason: 'busy';

  constructor(
    /** A fair guess at when a slot frees up, from the recent render times and the queue's length. */
    readonly retryAfterSeconds: number,
  ) {
    super('busy', 'The PDF renderer is busy; try again shortly');
    this.name = 'RendererBusyError';
  }
}

/** The render was accepted but not finished by its deadline (time waiting in the queue included). */
export class RenderTimeoutError extends RenderError {
  declare readonly reason: 'timeout';
  readonly deadlineMs: number;
  /** How far it got. */
  readonly stage: RenderStage;
  readonly retryAfterSeconds: number;

  constructor(details: { deadlineMs: number; stage: RenderStage; retryAfterSeconds: number }) {
    const started = details.stage !== 'waiting in the queue';
    super(
      'timeout',
      `The PDF was not ${started ? 'rendered' : 'started'} within ${details.deadlineMs} ms; try again shortly`,
    );
    this.name = 'RenderTimeoutError';
    this.deadlineMs = details.deadlineMs;
    this.stage = details.stage;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** No browser to render with: none installed, it would not start, or the renderer is shutting down. */
export class RendererUnavailableError extends RenderError {
  declare readonly reason: 'unavailable';

  constructor(message: string) {
    super('unavailable', message);
    this.name = 'RendererUnavailableError';
  }
}

/** The browser died under the render (and, when the renderer gives up, again under the retry on a fresh one). */
export class BrowserCrashedError extends RenderError {
  declare readonly reason: 'browser_crashed';

  constructor(message: string) {
    super('browser_crashed', message);
    this.name = 'BrowserCrashedError';
  }
}

/** The document tried to leave itself (a navigation or a meta refresh); documents are rendered as given. */
export class HostilePageError extends RenderError {
  declare readonly reason: 'navigation';

  constructor(message: string) {
    super('navigation', message);
    this.name = 'HostilePageError';
  }
}
