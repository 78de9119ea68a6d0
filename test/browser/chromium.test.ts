/** Where the browser test's Chromium comes from (the install itself runs in report.test.ts when it is missing). */
import { describe, expect, it } from 'vitest';
import { chromiumExecutable } from '../helpers/chromium.js';

describe('chromiumExecutable', () => {
  it('uses SEGLAB_CHROMIUM, else the first Chromium found', async () => {
    expect(await chromiumExecutable({ candidates: ['/nonexistent/chromium', process.execPath], given: undefined, root: false })).toBe(process.execPath);
    expect(await chromiumExecutable({ candidates: [], given: process.execPath, root: false })).toBe(process.execPath);
    await expect(chromiumExecutable({ candidates: [], given: '/nonexistent/chrome', root: true })).rejects.toThrow('SEGLAB_CHROMIUM is "/nonexistent/chrome", and no file is there.');
  });

  it('without Chromium and without root, says which command installs it', async () => {
    await expect(chromiumExecutable({ candidates: ['/nonexistent/chromium'], given: undefined, root: false })).rejects.toThrow(
      "The browser test needs Chromium and found none. Install Debian's: `sudo apt-get update && sudo apt-get install -y chromium` (or set SEGLAB_CHROMIUM to a Chromium or Chrome binary).",
    );
  });
});
