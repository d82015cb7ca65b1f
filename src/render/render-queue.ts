import { performance } from 'node:perf_hooks';
import { RendererBusyError, RenderTimeoutError } from './render-errors.js';
import type { RenderAttempt, RenderStage } from './render-request.js';

/** What happens to a render whose run failed: it goes back to the head of the queue, or fails with `error`. */
export type FailureVerdict = { retry: true } | { fail: unknown };

export interface RenderQueueOptions {
  /** Renders running at once. */
  concurrency: number;
  /** Renders allowed to wait for a free slot; beyond them the queue answers busy. */
  maxQueue: number;
  /** Deadline of a render that brings none, time in the queue included. */
  deadlineMs: number;
  /** Whether a render may start now. When it says no, renders wait until `pump()` is called again. */
  canStart?: () => boolean;
  /** Decides about a failed run; by default every failure is final. */
  afterFailure?: (error: unknown, attempts: number) => FailureVerdict;
}

export interface RenderQueueCounters {
  rendered: number;
  failed: number;
  /** Runs started again after the queue was told to retry them. */
  retries: number;
}

type Work<T> = (attempt: RenderAttempt) => Promise<T>;

interface Running {
  readonly kind: 'running';
  readonly controller: AbortController;
  readonly startedAt: number;
  stage: RenderStage;
}

type JobState = { readonly kind: 'waiting' } | Running | { readonly kind: 'settled' };

interface Job<T> {
  readonly work: Work<T>;
  readonly deadlineMs: number;
  readonly deadlineAt: number;
  readonly resolve: (result: T) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
  attempts: number;
  state: JobState;
}

const waiting = { kind: 'waiting' } as const;
const settled = { kind: 'settled' } as const;

/**
 * A bounded queue in front of a fixed number of render slots. Each render has a deadline that counts from when it
 * was submitted: past it the render is refused if it is still waiting, or its run is aborted and its slot freed if
 * it is running. A full queue refuses at once with a Retry-After estimate instead of growing.
 */
export class RenderQueue {
  readonly #concurrency: number;
  readonly #maxQueue: number;
  readonly #deadlineMs: number;
  readonly #canStart: () => boolean;
  readonly #afterFailure: (error: unknown, attempts: number) => FailureVerdict;

  readonly #waiting: Job<unknown>[] = [];
  #active = 0;
  #closedWith: { error: unknown } | undefined;
  #averageRunMs = 1_000;
  readonly #counters: RenderQueueCounters = { rendered: 0, failed: 0, retries: 0 };

  constructor(options: RenderQueueOptions) {
    this.#concurrency = Math.max(1, options.concurrency);
    this.#maxQueue = Math.max(0, options.maxQueue);
    this.#deadlineMs = options.deadlineMs;
    this.#canStart = options.canStart ?? (() => true);
    this.#afterFailure = options.afterFailure ?? ((error) => ({ fail: error }));
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  get active(): number {
    return this.#active;
  }

  counters(): RenderQueueCounters {
    return { ...this.#counters };
  }

  /** Runs `work` when a slot is free; refuses with {@link RendererBusyError} when slots and queue are full. */
  submit<T>(work: Work<T>, deadlineMs: number = this.#deadlineMs): Promise<T> {
    if (this.#closedWith) return Promise.reject(this.#closedWith.error);
    if (this.#waiting.length + this.#active >= this.#concurrency + this.#maxQueue) {
      return Promise.reject(new RendererBusyError(this.retryAfterSeconds()));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job<T> = {
        work,
        deadlineMs,
        deadlineAt: performance.now() + deadlineMs,
        resolve,
        reject,
        timer: setTimeout(() => this.#expire(job as Job<unknown>), deadlineMs),
        attempts: 0,
        state: waiting,
      };
      this.#waiting.push(job as Job<unknown>);
      this.pump();
    });
  }

  /** Starts waiting renders while there are free slots and `canStart` allows. */
  pump(): void {
    while (!this.#closedWith && this.#waiting.length > 0 && this.#active < this.#concurrency) {
      if (!this.#canStart()) return;
      this.#start(this.#waiting.shift()!);
    }
  }

  /** Fails every waiting render with `error`; running ones carry on. */
  refuseWaiting(error: unknown): void {
    for (const job of this.#waiting.splice(0)) this.#settle(job, { error });
  }

  /** Refuses waiting and future renders with `error`; running ones carry on to the end. */
  close(error: unknown): void {
    this.#closedWith ??= { error };
    this.refuseWaiting(error);
  }

  /** Seconds until a slot is likely free: the recent run time, times the queue ahead in rounds of the pool. */
  retryAfterSeconds(): number {
    const seconds = Math.ceil((this.#averageRunMs * (this.#waiting.length / this.#concurrency + 1)) / 1000);
    return Math.min(60, Math.max(1, seconds));
  }

  #start(job: Job<unknown>): void {
    const running: Running = {
      kind: 'running',
      controller: new AbortController(),
      startedAt: performance.now(),
      // Every render begins by getting a browser page; the run reports the later stages.
      stage: 'opening a page',
    };
    job.state = running;
    job.attempts += 1;
    this.#active += 1;
    const attempt: RenderAttempt = {
      signal: running.controller.signal,
      deadlineAt: job.deadlineAt,
      reached: (stage) => {
        running.stage = stage;
      },
    };
    let outcome: Promise<unknown>;
    try {
      outcome = job.work(attempt);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => this.#finish(job, running, { result }),
      (error: unknown) => this.#finish(job, running, { error }),
    );
  }

  #finish(job: Job<unknown>, run: Running, outcome: { result: unknown } | { error: unknown }): void {
    // A run that ran out of time gave up its slot and was answered then.
    if (job.state !== run) return;
    this.#active -= 1;
    if ('result' in outcome) {
      this.#averageRunMs = 0.8 * this.#averageRunMs + 0.2 * (performance.now() - run.startedAt);
      this.#settle(job, outcome);
    } else {
      const verdict = this.#afterFailure(outcome.error, job.attempts);
      if ('retry' in verdict && !this.#closedWith) {
        this.#counters.retries += 1;
        job.state = waiting;
        this.#waiting.unshift(job);
      } else {
        this.#settle(job, { error: 'retry' in verdict ? this.#closedWith!.error : verdict.fail });
      }
    }
    this.pump();
  }

  #expire(job: Job<unknown>): void {
    const { state } = job;
    if (state.kind === 'settled') return;
    if (state.kind === 'waiting') {
      this.#waiting.splice(this.#waiting.indexOf(job), 1);
    } else {
      this.#active -= 1;
    }
    const error = new RenderTimeoutError({
      deadlineMs: job.deadlineMs,
      stage: state.kind === 'running' ? state.stage : 'waiting in the queue',
      retryAfterSeconds: this.retryAfterSeconds(),
    });
    if (state.kind === 'running') state.controller.abort(error);
    this.#settle(job, { error });
    this.pump();
  }

  #settle(job: Job<unknown>, outcome: { result: unknown } | { error: unknown }): void {
    if (job.state.kind === 'settled') return;
    job.state = settled;
    clearTimeout(job.timer);
    if ('result' in outcome) {
      this.#counters.rendered += 1;
      job.resolve(outcome.result);
    } else {
      this.#counters.failed += 1;
      job.reject(outcome.error);
    }
  }
}
