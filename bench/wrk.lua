-- wrk script for ./bench.sh: an optional form POST (BENCH_METHOD, BENCH_BODY from the environment; cookies and
-- other headers come with -H), and a JSON summary on the last line of stdout for bench/wrk.py to read.
local method, body = os.getenv("BENCH_METHOD"), os.getenv("BENCH_BODY")
if method then
  wrk.method = method
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "status_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
