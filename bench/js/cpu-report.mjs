// Preloaded with `node --import` by bench/upload.sh: prints the client's own CPU seconds (user +
// system) when it exits, also when the script stops it with SIGTERM, so the CPU a client spent on
// an upload can be set beside the server's.
process.on('SIGTERM', () => process.exit(0))
process.on('exit', () => {
  const { user, system } = process.cpuUsage()
  process.stderr.write(`clientCpuSeconds=${((user + system) / 1e6).toFixed(1)}\n`)
})
