// hls.js (low-latency mode) in headless Chromium plays a live master playlist and reports the
// latency it sees (hls.latency: distance from the live edge), as one JSON line on stdout.
// usage: node play.mjs MASTER_URL [seconds=16] [extra hls.js config as JSON]
// The extra config may carry "throttleKbps": the page's download bandwidth is then capped (CDP
// network emulation), so hls.js's ABR has to pick a lower rendition.
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
const here = path.dirname(fileURLToPath(import.meta.url))
const hlsJs = fs.readFileSync(path.join(here, 'node_modules/hls.js/dist/hls.min.js'))
const page = '<!doctype html><html><body><video id=v muted playsinline></video>' +
  '<script src="/hls.js"></script></body></html>'
// The page comes from its own origin, so the playlists are fetched cross-origin (CORS checked).
const srv = http.createServer((req, res) => {
  if (req.url === '/hls.js') { res.writeHead(200, { 'content-type': 'text/javascript' }); res.end(hlsJs); return }
  res.writeHead(200, { 'content-type': 'text/html' }); res.end(page)
}).listen(0, '127.0.0.1')
await new Promise(r => srv.once('listening', r))
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--autoplay-policy=no-user-gesture-required']
})
try {
  const p = await browser.newPage()
  if (throttleKbps) {
    const cdp = await p.context().newCDPSession(p)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 20, downloadThroughput: throttleKbps * 125, uploadThroughput: -1
    })
  }
  await p.goto(`http://127.0.0.1:${srv.address().port}/`)
  const r = await p.evaluate(async ({ url, secs, extra }) => {
    const v = document.getElementById('v')
    const hls = new Hls({ lowLatencyMode: true, ...extra })
    const errors = []
    let parts = 0
    // Stalls matter: with hls.js defaults each one moves the target latency 1 s further back.
    const stalls = []
    const t0 = performance.now()
    let startupMs = null
    v.addEventListener('playing', () => { if (startupMs == null) startupMs = Math.round(performance.now() - t0) })
    hls.on(Hls.Events.ERROR, (_, d) => {
      if (d.fatal) errors.push(d.details)
      else if (d.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) stalls.push(+(v.currentTime.toFixed(2)))
    })
    hls.on(Hls.Events.FRAG_LOADED, (_, d) => { if (d.part) parts++ })
    const heightsLoaded = new Set()
    hls.on(Hls.Events.FRAG_LOADED, (_, d) => {
      const level = hls.levels[d.frag.level]
      if (level && d.frag.type === 'main') heightsLoaded.add(level.height)
    })
    hls.loadSource(url); hls.attachMedia(v)
    await new Promise((res, rej) => {
      hls.on(Hls.Events.MANIFEST_PARSED, res)
      setTimeout(() => rej(new Error('no manifest in 10 s: ' + errors.join(','))), 10000)
    })
    // Under a bandwidth cap play() only resolves once enough is buffered: do not wait forever.
    await Promise.race([v.play().catch(e => errors.push(String(e))),
      new Promise(res => setTimeout(res, 10000))])
    const samples = []
    for (let i = 0; i < secs; i++) {
      await new Promise(res => setTimeout(res, 1000))
      if (i >= secs / 2 && hls.latency) samples.push(hls.latency)
    }
    samples.sort((a, b) => a - b)
    const details = hls.levels[hls.currentLevel >= 0 ? hls.currentLevel : 0]?.details
    return {
      errors,
      latency: samples.length ? +samples[Math.floor(samples.length / 2)].toFixed(2) : null,
      targetLatency: hls.targetLatency,
      stallsAt: stalls,
      startupMs,
      lowLatencyMode: hls.lowLatencyMode,
      partsLoaded: parts,
      playlistIsLowLatency: !!(details && details.partList && details.partList.length),
      played: +v.currentTime.toFixed(2),
      // Where the media is buffered vs where the playhead is: playback that never starts
      // shows up as a playhead outside every buffered range.
      buffered: Array.from({ length: v.buffered.length },
        (_, i) => [+v.buffered.start(i).toFixed(2), +v.buffered.end(i).toFixed(2)]),
      levels: hls.levels.map(l => l.height),
      heightsLoaded: [...heightsLoaded]
    }
  }, { url, secs, extra })
  console.log(JSON.stringify(r))
  process.exitCode = r.latency != null && r.played > 0 && r.errors.length === 0 ? 0 : 1
} finally {
  await browser.close()
  srv.close()
}
