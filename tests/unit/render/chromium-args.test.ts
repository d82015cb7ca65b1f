import { loadConfig } from '../../../src/config/config.js';
import { chromiumArgs } from '../../../src/render/chromium.js';

describe("Chromium's sandbox", () => {
  it('when the process is not root, then Chromium keeps its sandbox', () => {
    expect(chromiumArgs({ runningAsRoot: false, env: {} })).not.toContain('--no-sandbox');
    expect(chromiumArgs({ runningAsRoot: false, env: { CHROMIUM_NO_SANDBOX: 'false' } })).not.toContain(
      '--no-sandbox',
    );
  });

  it('when the process is root, then the sandbox is off, since Chromium cannot start one as root', () => {
    expect(chromiumArgs({ runningAsRoot: true, env: {} })).toContain('--no-sandbox');
  });

  it('when the operator sets CHROMIUM_NO_SANDBOX=true, then the sandbox is off for a non-root process too', () => {
    expect(chromiumArgs({ runningAsRoot: false, env: { CHROMIUM_NO_SANDBOX: 'true' } })).toContain(
      '--no-sandbox',
    );
  });

  it('when CHROMIUM_NO_SANDBOX holds something else, then the configuration names it at start-up', () => {
    expect(() => loadConfig({ CHROMIUM_NO_SANDBOX: 'yes please' })).toThrow(/CHROMIUM_NO_SANDBOX/);
  });
});
