// The web app end to end, as a viewer uses it, in headless Chromium: create an account, upload a
// clip through the upload page (recording every status its progress line shows), wait until it is
// ready, make it private (so playback goes through signed URLs), play, seek with the keyboard,
// pause, reload, log out, log back in, accept the resume prompt, and read the player's time. Saves
// a screenshot of the watch page. Prints one JSON line; WebAppEndToEndTest asserts on it.
//
// usage: node webapp.mjs BASE_URL CLIP_FILE SCREENSHOT_FILE
import { chromium } from 'playwright-core';

const [base, clip, screenshot] = process.argv.slice(2);
const result = { steps: [], progress: [], consoleErrors: [], failedRequests: [] };
const step = (name, extra = {}) => result.steps.push({ name, at: Date.now(), ...extra });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--autoplay-policy=no-user-gesture-required'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => (result.pageError = String(e)));
  page.on('console', (m) => m.type() === 'error' && result.consoleErrors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && result.failedRequests.push(`${r.status()} ${r.request().method()} ${r.url()}`));
  const username = `e2e${Date.now().toString(36)}`;
  const password = 'correct-horse-battery';
  const video = () => page.locator('video');
  const time = () => video().evaluate((v) => v.currentTime);
  const waitFor = async (pred, ms, what) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await pred()) return;
      await page.waitForTimeout(250);
    }
    throw new Error(`timed out: ${what}`);
  };
  const api = (path) => page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' });
    return { status: r.status, body: r.status === 200 ? await r.json() : null };
  }, path);
  const logIn = async (register) => {
    await page.goto(`${base}/login`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click(register ? '#register' : 'button[type=submit]');
    await page.locator('#account button', { hasText: 'Log out' }).waitFor({ timeout: 20000 });
  };

  await logIn(true);
  step('signed up', { me: (await api('/api/me')).body });

  await page.goto(`${base}/upload`);
  // Every text the status line shows, as it changes (sampling it could miss a fast upload's).
  await page.exposeFunction('__reelayProgress', (pct, text) => result.progress.push({ pct, text }));
  await page.locator('#upload-status').waitFor({ state: 'attached' });
  await page.evaluate(() => {
    const status = document.getElementById('upload-status');
    const bar = document.querySelector('[role=progressbar]');
    new MutationObserver(() => window.__reelayProgress(Number(bar.getAttribute('aria-valuenow')), status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#file', clip);
  await page.waitForURL(/\/watch\//, { timeout: 300000 });
  const id = page.url().split('/watch/')[1].split('?')[0];
  result.videoId = id;
  step('uploaded', { url: page.url() });

  await waitFor(async () => {
    const v = (await api(`/api/videos/${id}`)).body;
    return v && v.status === 'ready';
  }, 300000, 'the video to be ready');
  step('ready');

  // Watch it as a private video: the page must play it through the signed URLs the API hands out.
  result.madePrivate = await page.evaluate(async (p) => {
    const r = await fetch(p, { method: 'PATCH', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{"visibility":"private"}' });
    return r.status;
  }, `/api/videos/${id}`);
  const record = (await api(`/api/videos/${id}`)).body;
  result.visibility = record.visibility;
  result.hls = record.hls;

  await page.goto(`${base}/watch/${id}`);
  // The router marks #main ready once the watch page has wired its keyboard and position handlers.
  await page.waitForFunction(() => document.getElementById('main')?.dataset.ready === 'watch'
    && document.querySelector('video')?.readyState >= 1, null, { timeout: 30000 });
  await page.keyboard.press('Space'); // play
  await waitFor(async () => (await time()) > 1, 30000, 'playback to start');
  result.playedTo = await time();
  step('playing', { t: result.playedTo });

  const before = await time();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight'); // +10 s
  result.seekTarget = before + 10;
  await waitFor(async () => (await time()) > result.seekTarget + 0.5, 30000, 'playback after the seek');
  step('seeked', { t: await time() });

  await page.keyboard.press('Space'); // pause
  await waitFor(() => video().evaluate((v) => v.paused), 5000, 'pause');
  result.pausedAt = await time();
  await waitFor(async () => {
    const p = (await api(`/api/me/positions/${id}`)).body;
    return p && Math.abs(p.seconds - result.pausedAt) < 0.6;
  }, 10000, 'the position to be saved on pause');
  step('paused', { t: result.pausedAt });

  await page.reload();
  await page.locator('#resume').waitFor({ timeout: 30000 });
  result.promptAfterReload = await page.locator('[aria-label=Resume]').textContent();
  step('reloaded');

  await page.locator('#account button', { hasText: 'Log out' }).click();
  await page.locator('#account a', { hasText: 'Log in' }).waitFor({ timeout: 20000 });
  result.meAfterLogout = (await api('/api/me')).status;
  step('logged out');

  await logIn(false);
  step('logged in');
  await page.goto(`${base}/watch/${id}`);
  await page.locator('#resume').waitFor({ timeout: 30000 });
  result.prompt = await page.locator('[aria-label=Resume]').textContent();
  await page.click('#resume');
  await waitFor(async () => {
    const t = await time();
    return Math.abs(t - result.pausedAt) < 3 && !(await video().evaluate((v) => v.paused));
  }, 30000, 'playback to resume at the saved position');
  result.resumedAt = await time();
  await page.waitForTimeout(1500);
  result.playingAfterResume = await time();
  step('resumed', { t: result.resumedAt });
  await video().evaluate((v) => v.pause());
  await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  result.exception = String(e);
  result.url = await browser.contexts()[0]?.pages()[0]?.url();
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
