"""What the end-to-end scripts share: a free loopback port and waiting
for a condition."""

import socket
import time


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, check, limit=60):
    """Waits until `check()` holds; fails the test after `limit` seconds."""
    start = time.time()
    while time.time() - start < limit:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit(f"FAIL: {what}")
