import {
  RendererBusyError,
  RendererUnavailableError,
  RenderTimeoutError,
} from '../../../src/render/render-errors.js';
import { RenderQueue } from '../../../src/render/render-queue.js';
import type { RenderAttempt } from '../../../src/render/render-request.js';

/** A render the test finishes by hand, and what the queue handed it. */
interface HeldRender {
  readonly attempt: Promise<RenderAttempt>;
  finish(result: string): void;
  fail(error: unknown): void;
  /** The work function to submit; it may be started more than once (a retry). */
  work(attempt: RenderAttempt): Promise<string>;
  starts: number;
}

function heldRender(): HeldRender {
  let started!: (attempt: RenderAttempt) => void;
  let settle!: { resolve: (result: string) => void; reject: (error: unknown) => void };
  const held: HeldRender = {
    attempt: new Promise((resolve) => (started = resolve)),
    finish: (result) => settle.resolve(result),
    fail: (error) => settle.reject(error),
    starts: 0,
    work: (attempt) => {
      held.starts += 1;
      started(attempt);
      return new Promise((resolve, reject) => (settle = { resolve, reject }));
    },
  };
  return held;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('render queue', () => {
  it('when more renders arrive than the slots and the queue hold, then the extra one is refused as busy and the rest all run', async () => {
    const queue = new RenderQueue({ concurrency: 1, maxQueue: 2, deadlineMs: 10_000 });
    const held = [heldRender(), heldRender(), heldRender()];
    const accepted = held.map((render) => queue.submit(render.work));

    const refused = queue.submit(async () => 'never');

    await expect(refused).rejects.toBeInstanceOf(RendererBusyError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 3 });
    expect({ active: queue.active, waiting: queue.waiting }).toEqual({ active: 1, waiting: 2 });
    for (const [index, render] of held.entries()) {
      await render.attempt;
      render.finish(`PDF ${index + 1}`);
    }
    await expect(Promise.all(accepted)).resolves.toEqual(['PDF 1', 'PDF 2', 'PDF 3']);
    expect(queue.counters()).toEqual({ rendered: 3, failed: 0, retries: 0 });
    expect({ active: queue.active, waiting: queue.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it('when two slots are free, then two renders run at once and the third starts only when one finishes', async () => {
    const queue = new RenderQueue({ concurrency: 2, maxQueue: 5, deadlineMs: 10_000 });
    const [first, second, third] = [heldRender(), heldRender(), heldRender()];
    const earlier = [queue.submit(first!.work), queue.submit(second!.work)];
    const last = queue.submit(third!.work);

    await tick();
    expect([first!.starts, second!.starts, third!.starts]).toEqual([1, 1, 0]);
    second!.finish('second');
    await third!.attempt;
    expect(third!.starts).toBe(1);
    third!.finish('third');
    first!.finish('first');
    await expect(last).resolves.toBe('third');
    await expect(Promise.all(earlier)).resolves.toEqual(['first', 'second']);
  });

  it('when a render waits past its deadline, then it is refused as not started and never runs', async () => {
    const queue = new RenderQueue({ concurrency: 1, maxQueue: 5, deadlineMs: 10_000 });
    const running = heldRender();
    void queue.submit(running.work);
    const waiting = heldRender();

    const late = queue.submit(waiting.work, 30);

    await expect(late).rejects.toBeInstanceOf(RenderTimeoutError);
    await expect(late).rejects.toMatchObject({
      stage: 'waiting in the queue',
      message: 'The PDF was not started within 30 ms; try again shortly',
    });
    expect(queue.waiting).toBe(0);
    running.finish('done');
    await tick();
    expect(waiting.starts).toBe(0);
  });

  it('when a running render passes its deadline, then its signal is aborted with how far it got and its slot goes to the next', async () => {
    const queue = new RenderQueue({ concurrency: 1, maxQueue: 5, deadlineMs: 10_000 });
    const slow = heldRender();
    const next = heldRender();
    const late = queue.submit(slow.work, 30);
    const after = queue.submit(next.work);
    const attempt = await slow.attempt;
    attempt.reached('printing');

    await expect(late).rejects.toMatchObject({
      stage: 'printing',
      message: 'The PDF was not rendered within 30 ms; try again shortly',
    });
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBeInstanceOf(RenderTimeoutError);
    await next.attempt;
    slow.finish('too late');
    next.finish('next');
    await expect(after).resolves.toBe('next');
    expect(queue.counters()).toEqual({ rendered: 1, failed: 1, retries: 0 });
    expect(queue.active).toBe(0);
  });

  it('when nothing can start yet, then renders wait until the queue is pumped', async () => {
    let browserUp = false;
    const queue = new RenderQueue({
      concurrency: 2,
      maxQueue: 5,
      deadlineMs: 10_000,
      canStart: () => browserUp,
    });
    const render = heldRender();
    const rendering = queue.submit(render.work);

    await tick();
    expect({ started: render.starts, waiting: queue.waiting, active: queue.active }).toEqual({
      started: 0,
      waiting: 1,
      active: 0,
    });
    browserUp = true;
    queue.pump();
    await render.attempt;
    render.finish('rendered');
    await expect(rendering).resolves.toBe('rendered');
  });

  it('when a run fails and the queue is told to retry, then it runs again ahead of the renders that waited behind it', async () => {
    const crashed = new Error('the browser went away');
    const queue = new RenderQueue({
      concurrency: 1,
      maxQueue: 5,
      deadlineMs: 10_000,
      afterFailure: (error, attempts) =>
        error === crashed && attempts < 2 ? { retry: true } : { fail: error },
    });
    const order: string[] = [];
    let firstRuns = 0;
    const first = queue.submit(async () => {
      firstRuns += 1;
      order.push(`first #${firstRuns}`);
      if (firstRuns < 3) throw crashed;
      return 'first';
    });
    const second = queue.submit(async () => {
      order.push('second');
      return 'second';
    });

    await expect(first).rejects.toBe(crashed);
    await expect(second).resolves.toBe('second');
    expect(order).toEqual(['first #1', 'first #2', 'second']);
    expect(queue.counters()).toEqual({ rendered: 1, failed: 1, retries: 1 });
  });

  it('when the queue closes, then waiting and later renders are refused while the running one finishes', async () => {
    const queue = new RenderQueue({ concurrency: 1, maxQueue: 5, deadlineMs: 10_000 });
    const running = heldRender();
    const first = queue.submit(running.work);
    const waiting = queue.submit(async () => 'never');
    await running.attempt;
    const shutDown = new RendererUnavailableError('shutting down');

    queue.close(shutDown);

    await expect(waiting).rejects.toBe(shutDown);
    await expect(queue.submit(async () => 'later')).rejects.toBe(shutDown);
    running.finish('finished');
    await expect(first).resolves.toBe('finished');
  });

  it('when the queue is longer, then the Retry-After estimate is longer, and it never goes past a minute', async () => {
    const queue = new RenderQueue({ concurrency: 1, maxQueue: 200, deadlineMs: 10_000 });
    const running = heldRender();
    const first = queue.submit(running.work);
    const estimates = [queue.retryAfterSeconds()];
    for (let n = 0; n < 120; n += 1) {
      void queue.submit(heldRender().work).catch(() => undefined);
      estimates.push(queue.retryAfterSeconds());
    }

    expect(estimates[0]).toBe(1);
    expect(estimates[3]).toBeGreaterThan(estimates[0]!);
    expect(Math.max(...estimates)).toBe(60);
    queue.close(new RendererUnavailableError('done'));
    running.finish('first');
    await expect(first).resolves.toBe('first');
  });
});
