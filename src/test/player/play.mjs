// Plays a Reelay VOD presentation with hls.js or dash.js in headless Chromium and reports what a
// viewer would see: playback starts, a seek to 75 % continues, and capping the bandwidth makes the
// player switch to a lower rung. Prints one JSON line; VodPlayerTest asserts on it.
//
// usage: node play.mjs hls|dash URL
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

const [kind, url] = process.argv.slice(2);
// The packages' "exports" do not list their browser bundles; address the files directly.
const lib = fileURLToPath(
  new URL(
    kind === 'hls'
      ? './node_modules/hls.js/dist/hls.min.js'
      : './node_modules/dashjs/dist/modern/umd/dash.all.min.js',
    import.meta.url,
  ),
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--autoplay-policy=no-user-gesture-required'],
});
const result = { kind, url };
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => (result.pageError = String(e)));
  await page.setContent('<video id="v" muted playsinline width="640" height="360"></video>');
  await page.addScriptTag({ path: lib });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');

  await page.evaluate(({ kind, url }) => {
    const v = document.getElementById('v');
    window.report = { levels: [], errors: [] };
    if (kind === 'hls') {
      // Start on the top rung so that a bandwidth cap has somewhere to switch down to.
      // Short buffers keep segment downloads going, so a bandwidth change is seen and acted on.
      const hls = new Hls({
        capLevelToPlayerSize: false,
        abrEwmaDefaultEstimate: 5e6,
        maxBufferLength: 4,
        maxMaxBufferLength: 6,
      });
      hls.on(Hls.Events.MANIFEST_PARSED, (_, d) => {
        window.report.rungs = d.levels.map((l) => l.height);
        hls.startLevel = d.levels.length - 1;
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_, d) => window.report.levels.push(hls.levels[d.level].height));
      hls.on(Hls.Events.ERROR, (_, d) => d.fatal && window.report.errors.push(d.type + ':' + d.details));
      hls.loadSource(url);
      hls.attachMedia(v);
      window.player = hls;
    } else {
      const p = dashjs.MediaPlayer().create();
      p.updateSettings({
        streaming: {
          abr: { initialBitrate: { video: 100000 }, autoSwitchBitrate: { video: true } },
          buffer: { stableBufferTime: 4, bufferTimeAtTopQuality: 4, bufferTimeAtTopQualityLongForm: 4 },
        },
      });
      p.on('qualityChangeRendered', (e) => {
        if (e.mediaType === 'video') window.report.levels.push(e.newRepresentation ? e.newRepresentation.height : e.newQuality);
      });
      p.on('error', (e) => window.report.errors.push(JSON.stringify(e.error || e)));
      p.initialize(v, url, true);
      window.player = p;
    }
    v.play().catch(() => {});
  }, { kind, url });

  const time = () => page.evaluate(() => document.getElementById('v').currentTime);
  const waitFor = async (pred, ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await pred()) return true;
      await page.waitForTimeout(200);
    }
    return false;
  };

  result.started = await waitFor(async () => (await time()) > 0.5, 20000);
  result.duration = await page.evaluate(() => document.getElementById('v').duration);
  const levelsBefore = await page.evaluate(() => window.report.levels.length);
  result.startHeight = await page.evaluate(() => document.getElementById('v').videoHeight);

  // Cap to ~200 kbit/s: below every rung but the lowest of the test ladder.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: 200000 / 8, uploadThroughput: 1e6,
  });
  result.switchedDown = await waitFor(async () => {
    const r = await page.evaluate(() => window.report.levels);
    return r.length > levelsBefore && r[r.length - 1] < result.startHeight;
  }, 30000);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });

  const target = result.duration * 0.75;
  await page.evaluate((t) => {
    const v = document.getElementById('v');
    v.currentTime = t;
    v.play().catch(() => {});
  }, target);
  result.seekTarget = target;
  result.continuedAfterSeek = await waitFor(async () => (await time()) > target + 1, 20000);
  result.finalTime = await time();
  Object.assign(result, await page.evaluate(() => window.report));
} catch (e) {
  result.exception = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
