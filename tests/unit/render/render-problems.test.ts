import { AppError } from '../../../src/http/errors.js';
import { renderFailureProblem } from '../../../src/http/render-problems.js';
import {
  BrowserCrashedError,
  HostilePageError,
  RendererBusyError,
  RendererUnavailableError,
  RenderTimeoutError,
} from '../../../src/render/renderer.js';

describe('renderer failures over HTTP', () => {
  it('when the renderer is busy or out of time, then the answer is 503 renderer_busy with its Retry-After', () => {
    const busy = renderFailureProblem(new RendererBusyError(7));
    const late = renderFailureProblem(
      new RenderTimeoutError({ deadlineMs: 250, stage: 'printing', retryAfterSeconds: 3 }),
    );

    expect(busy).toBeInstanceOf(AppError);
    expect(busy).toMatchObject({
      code: 'renderer_busy',
      status: 503,
      message: 'The PDF renderer is busy; try again shortly',
      headers: { 'Retry-After': '7' },
    });
    expect(late).toMatchObject({
      code: 'renderer_busy',
      status: 503,
      message: 'The PDF was not rendered within 250 ms; try again shortly',
      headers: { 'Retry-After': '3' },
    });
  });

  it('when there is no browser or it crashed twice, then the answer is 503 renderer_unavailable', () => {
    expect(renderFailureProblem(new RendererUnavailableError('No Chromium found'))).toMatchObject({
      code: 'renderer_unavailable',
      status: 503,
      message: 'No Chromium found',
      headers: undefined,
    });
    expect(renderFailureProblem(new BrowserCrashedError('crashed twice'))).toMatchObject({
      code: 'renderer_unavailable',
      status: 503,
      message: 'The PDF renderer failed while rendering this packet; try again',
      headers: { 'Retry-After': '5' },
    });
  });

  it("when the page was hostile or the error is not the renderer's, then it passes through to become a logged 500", () => {
    const hostile = new HostilePageError('The document tried to navigate');
    const other = new Error('disk full');

    expect(renderFailureProblem(hostile)).toBe(hostile);
    expect(renderFailureProblem(other)).toBe(other);
  });
});
