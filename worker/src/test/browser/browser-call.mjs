// Opens call.html in headless Debian Chromium and prints window.result as one JSON line.
// Usage: node browser-call.mjs <page url>
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [pageUrl] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'agentfleet-chromium-'));
let context;
let code = 1;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
      // getUserMedia needs a secure context; the page is served over plain HTTP on a veth address.
      '--unsafely-treat-insecure-origin-as-secure=' + new URL(pageUrl).origin,
    ],
  });
  const page = await context.newPage();
  page.on('console', (m) => console.log('[page] ' + m.text()));
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60000 });
  const result = await page.evaluate(() => window.result);
  console.log('RESULT ' + JSON.stringify(result));
  code = result.ok ? 0 : 1;
} catch (e) {
  console.log('RESULT ' + JSON.stringify({ ok: false, error: String(e) }));
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(code);
}
