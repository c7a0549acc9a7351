-- wrk `done` hook: prints one machine-readable line that bench/run.mjs parses.
-- Only `done` is defined, so wrk's hot path (request/response) stays in C.
-- Latencies are in microseconds. wrk counts status > 399 as errors.status: that is our non2xx.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"rps":%.2f,"p50_us":%d,"p99_us":%d,' ..
      '"mean_us":%.1f,"max_us":%d,"non2xx":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
