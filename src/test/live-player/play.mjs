// hls.js in headless Chromium plays a live stream and reports the latency it sees (hls.latency:
// distance from the live edge), as one JSON line on stdout.
// usage: node play.mjs URL [seconds=16] [extra hls.js config as JSON]
// URL is either
// - a master playlist (.m3u8): a blank page of its own origin plays it with hls.js in low-latency
//   mode plus the extra config (playlists are then fetched cross-origin, so CORS is checked); or
// - a page of Reelay's web app (e.g. /live/{id}): the app's own player plays it as viewers get it
//   (it exposes its hls.js instance as window.__reelayHls); the extra config is then ignored.
// The extra config may carry "throttleKbps": the page's download bandwidth is then capped (CDP
// network emulation), so hls.js's ABR has to pick a lower rendition.
// PLAY_LOG=1: player events and hls.js's debug log on stderr.
// Exit code 0 when playback advanced, latency was measured and no fatal error occurred.
import { chromium } from 'playwright-core'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const [url, secsArg, extraArg] = process.argv.slice(2)
const extra = JSON.parse(extraArg || '{}')
const throttleKbps = extra.throttleKbps
delete extra.throttleKbps
const secs = Number(secsArg || 16)
const webApp = !/\.m3u8(\?|$)/.test(url)
const here = path.dirname(fileURLToPath(import.meta.url))
const hlsJs = fs.readFileSync(path.join(here, 'node_modules/hls.js/dist/hls.min.js'))
const page = '<!doctype html><html><body><video id=v muted playsinline></video>' +
  '<script src="/hls.js"></script></body></html>'
const srv = http.createServer((req, res) => {
  if (req.url === '/hls.js') { res.writeHead(200, { 'content-type': 'text/javascript' }); res.end(hlsJs); return }
  res.writeHead(200, { 'content-type': 'text/html' }); res.end(page)
}).listen(0, '127.0.0.1')
await new Promise(r => srv.once('listening', r))

// Runs in the page before its own scripts: watches whichever hls.js instance plays, from its
// first event on (the web app creates its instance itself, so this polls for it).
function probe (log) {
  if (log) try { localStorage.setItem('reelay.debug', '1') } catch { /* opaque origin */ } // the web app's player logs too
  const p = window.__probe = { errors: [], stalls: [], parts: 0, heights: [], startupMs: null, hls: null, video: null }
  p.watch = (hls, v) => {
    p.hls = hls; p.video = v
    const t0 = performance.now()
    v.addEventListener('playing', () => { if (p.startupMs == null) p.startupMs = Math.round(performance.now() - t0) })
    if (log) {
      for (const e of ['loadedmetadata', 'canplay', 'playing', 'waiting', 'seeking', 'seeked', 'ratechange']) {
        v.addEventListener(e, () => console.log(`[video] ${e} t=${v.currentTime.toFixed(3)} rate=${v.playbackRate} buffered=` +
          JSON.stringify(Array.from({ length: v.buffered.length }, (_, i) => [v.buffered.start(i).toFixed(3), v.buffered.end(i).toFixed(3)]))))
      }
      hls.on('hlsLevelSwitching', (_, d) => console.log(`[hls] level switching to ${d.level} (${d.height}p)`))
    }
    // Stalls matter: hls.js moves its target latency back by liveSyncOnStallIncrease for each.
    hls.on('hlsError', (_, d) => {
      if (d.fatal) p.errors.push(d.details)
      else if (d.details === 'bufferStalledError') p.stalls.push(+(v.currentTime.toFixed(2)))
    })
    hls.on('hlsFragLoaded', (_, d) => {
      if (d.part) p.parts++
      const level = hls.levels[d.frag.level]
      if (level && d.frag.type === 'main' && !p.heights.includes(level.height)) p.heights.push(level.height)
    })
  }
  const poll = setInterval(() => {
    if (window.__reelayHls && !p.hls) { clearInterval(poll); p.watch(window.__reelayHls, document.querySelector('video')) }
  }, 2)
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--autoplay-policy=no-user-gesture-required']
})
try {
  const p = await browser.newPage()
  if (process.env.PLAY_LOG) {
    p.on('console', m => process.stderr.write(`${m.text()}\n`))
    extra.debug = true
  }
  if (throttleKbps) {
    const cdp = await p.context().newCDPSession(p)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 20, downloadThroughput: throttleKbps * 125, uploadThroughput: -1
    })
  }
  await p.addInitScript(probe, !!process.env.PLAY_LOG)
  await p.goto(webApp ? url : `http://127.0.0.1:${srv.address().port}/`)
  const r = await p.evaluate(async ({ url, secs, extra, webApp }) => {
    const probe = window.__probe
    if (!webApp) {
      const v = document.getElementById('v')
      const hls = new Hls({ lowLatencyMode: true, ...extra })
      probe.watch(hls, v)
      hls.loadSource(url); hls.attachMedia(v)
    }
    const deadline = Date.now() + 10000
    while (!(probe.hls && probe.hls.levels && probe.hls.levels.length)) {
      if (Date.now() > deadline) throw new Error('no manifest in 10 s: ' + probe.errors.join(','))
      await new Promise(res => setTimeout(res, 20))
    }
    const { hls, video: v } = probe
    if (webApp) {
      // the app starts playback itself (once hls.js has positioned the playhead)
      for (let i = 0; i < 100 && v.paused; i++) await new Promise(res => setTimeout(res, 100))
    } else {
      // Under a bandwidth cap play() only resolves once enough is buffered: do not wait forever.
      await Promise.race([v.play().catch(e => probe.errors.push(String(e))),
        new Promise(res => setTimeout(res, 10000))])
    }
    const samples = []
    for (let i = 0; i < secs; i++) {
      await new Promise(res => setTimeout(res, 1000))
      if (i >= secs / 2 && hls.latency) samples.push(hls.latency)
    }
    samples.sort((a, b) => a - b)
    const details = hls.levels[hls.currentLevel >= 0 ? hls.currentLevel : 0]?.details
    return {
      player: webApp ? 'web app' : 'hls.js',
      hlsVersion: hls.constructor.version,
      errors: probe.errors,
      latency: samples.length ? +samples[Math.floor(samples.length / 2)].toFixed(2) : null,
      targetLatency: hls.targetLatency,
      stallsAt: probe.stalls,
      startupMs: probe.startupMs,
      lowLatencyMode: hls.lowLatencyMode,
      partsLoaded: probe.parts,
      playlistIsLowLatency: !!(details && details.partList && details.partList.length),
      played: +v.currentTime.toFixed(2),
      // Where the media is buffered vs where the playhead is: playback that never starts
      // shows up as a playhead outside every buffered range.
      buffered: Array.from({ length: v.buffered.length },
        (_, i) => [+v.buffered.start(i).toFixed(2), +v.buffered.end(i).toFixed(2)]),
      levels: hls.levels.map(l => l.height),
      heightsLoaded: probe.heights
    }
  }, { url, secs, extra, webApp })
  console.log(JSON.stringify(r))
  process.exitCode = r.latency != null && r.played > 0 && r.errors.length === 0 ? 0 : 1
} finally {
  await browser.close()
  srv.close()
}
