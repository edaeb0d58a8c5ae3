-- wrk script for bench/status_surge.py: the request is wrk's own (the URL, and -H for If-None-Match); this
-- only prints one line "RESULT {json}" when done, with the bytes read, so a 304 run shows it got no bodies.

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
