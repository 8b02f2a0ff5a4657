// Preloaded with `node --import` so the shared, unmodified tus_upload.mjs can reach an endpoint
// that wants a bearer token: adds `Authorization: Bearer $BENCH_TOKEN` to every Node HTTP request.
// Used for both servers in a comparison (the reference server ignores it), so both sides match.
import http from 'node:http'

const token = process.env.BENCH_TOKEN
const original = http.request
http.request = function (...args) {
  const options = args.find((a) => a && typeof a === 'object' && !(a instanceof URL))
  if (token && options) {
    options.headers = { ...(options.headers || {}), Authorization: `Bearer ${token}` }
  }
  return original.apply(this, args)
}
