"""Creates COUNT queued instances (ids PREFIX<n>) in one workflow, in batches of 100 over keep-alive
connections from a few threads; for the scale benchmark of scripts/bench. Usage:
  create_instances.py ORIGIN WORKFLOW_PATH TOKEN PREFIX COUNT [THREADS]"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse

origin, workflow, token, prefix, count = sys.argv[1:6]
count = int(count)
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 4
url = urlparse(origin)
batches = list(range(0, count, 100))
lock = threading.Lock()
failures = []


def work(mine):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for start in mine:
        body = json.dumps([{"instance_id": f"{prefix}{n}"} for n in range(start, min(start + 100, count))])
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
