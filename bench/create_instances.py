"""Creates COUNT queued instances (ids PREFIX<n>) in one workflow, in batches of up to 100 over keep-alive
connections from a few threads; for the benchmarks of scripts/bench. With BENCH_PARAMS_CHARS=N in the
environment each instance gets params of about N characters of JSON ({"text": "xx..."}), and a batch holds at
most 256 KB of them. Usage:
  create_instances.py ORIGIN WORKFLOW_PATH TOKEN PREFIX COUNT [THREADS]"""
import http.client
import json
import os
import sys
import threading
import time
from urllib.parse import urlparse

origin, workflow, token, prefix, count = sys.argv[1:6]
count = int(count)
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 4
params_chars = int(os.environ.get("BENCH_PARAMS_CHARS", "0"))
url = urlparse(origin)
batch_size = max(1, min(100, 256_000 // (params_chars + 50)))
batches = list(range(0, count, batch_size))


def instance(n):
    item = {"instance_id": f"{prefix}{n}"}
    if params_chars > 0:
        # {"text":"..."} is 11 characters besides the text
        item["params"] = {"text": "x" * max(0, params_chars - 11)}
    return item


lock = threading.Lock()
failures = []


def work(mine):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for start in mine:
        body = json.dumps([instance(n) for n in range(start, min(start + batch_size, count))])
        conn.request("POST", workflow + "/instances/batch", body, headers)
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            with lock:
                failures.append(f"{response.status} {text[:200]!r}")
            return


started = time.time()
workers = [threading.Thread(target=work, args=(batches[i::threads],)) for i in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
if failures:
    sys.exit("creating instances failed: " + failures[0])
print(f"{count} instances in {time.time() - started:.1f} s", file=sys.stderr)
