// Drives Reelay's tus endpoint with the official tus-js-client, as a browser app or a Node tool
// would. Prints one JSON line per event on stdout so the Java test can follow along.
//
// usage: node tus-interop.mjs ENDPOINT FILE TOKEN ABORTS [SEED]
//   ABORTS: how many times to abort at a random offset and resume from the server's offset.
import * as tus from 'tus-js-client'
import fs from 'node:fs'

const [endpoint, file, token, abortsArg, seedArg] = process.argv.slice(2)
const size = fs.statSync(file).size
const aborts = Number(abortsArg || 0)
let seed = Number(seedArg || 42)
// A small deterministic PRNG so a failing run can be repeated with the same offsets.
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const say = (event) => console.log(JSON.stringify(event))
let lastSaid = 0

function attempt(uploadUrl, abortAt) {
  return new Promise((resolve, reject) => {
    let aborted = false
    const upload = new tus.Upload(fs.createReadStream(file), {
      endpoint,
      uploadUrl,
      uploadSize: size,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { filename: file.split('/').pop(), filetype: 'video/mp4', title: 'interop' },
      // Long enough to ride out a server restart (and a dead node's lock lapsing).
      retryDelays: Array(40).fill(1500),
      onProgress: (sent) => {
        const now = Date.now()
        if (now - lastSaid >= 200) {
          lastSaid = now
          say({ event: 'progress', sent, size })
        }
        if (!aborted && abortAt !== undefined && sent >= abortAt) {
          aborted = true
          upload.abort().then(() => resolve({ aborted: true, url: upload.url, sent }))
        }
      },
      onUploadUrlAvailable: () => say({ event: 'created', url: upload.url }),
      onError: reject,
      onSuccess: () => resolve({ aborted: false, url: upload.url }),
    })
    upload.start()
  })
}

const t0 = Date.now()
let url
const cuts = Array.from({ length: aborts }, () => Math.floor(random() * size)).sort((a, b) => a - b)
for (const cut of cuts) {
  const r = await attempt(url, cut)
  url = r.url
  say({ event: r.aborted ? 'aborted' : 'done-early', at: r.sent, target: cut, url })
  if (!r.aborted) break
}
const r = await attempt(url, undefined)
const seconds = (Date.now() - t0) / 1000
say({ event: 'done', url: r.url, size, seconds, MBps: size / 1e6 / seconds })
// Idle keep-alive sockets and the aborted uploads' file streams must not hold the process.
process.exit(0)
