"""scripts/lib/checklib.py: what scripts/check-camera and scripts/check-gate share.

- die, run: fail with a message; run a command and return its output;
- Server: `gridpass serve` on a data directory, on 127.0.0.1:PORT, waited for (GET /healthz), and
  `http(method, path, body, headers)` against it (a dict or list body is sent as JSON);
- CDP: a small Chrome DevTools Protocol client over a WebSocket, with the standard library only;
- chromium(port, ...): headless Chromium at a phone's size (390x844, zh-CN by default) driven by CDP;
- wait(cdp, expr): until a page expression holds; id_number(seq): a valid identity number.
"""
import base64, json, os, socket, struct, subprocess, sys, tempfile, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("GRIDPASS_BIN", os.path.join(ROOT, ".build/debug/gridpass"))


def die(msg):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", file=sys.stderr)
    sys.exit(1)


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def ensure_binary():
    if not os.path.exists(BIN):
        subprocess.run(["swift", "build", "--product", "gridpass"], cwd=ROOT, check=True)


class Server:
    """`gridpass serve` on `data` at 127.0.0.1:`port` (its output in `log`), with `extra` options
    (`--code-ttl 20`); stop() ends it."""

    def __init__(self, data, port, log, extra=()):
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--host", "127.0.0.1", "--public-url", self.base, "--data", data, *extra],
                                     stdout=open(log, "w"), stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                if self.http("GET", "/healthz")[0] == 200: return
            except OSError:
                pass
            if self.proc.poll() is not None: die(f"gridpass serve ended at start-up (see {log})")
            time.sleep(0.1)
        self.stop(); die("gridpass serve did not answer /healthz")

    def http(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        if isinstance(body, (dict, list)):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def stop(self):
        self.proc.kill(); self.proc.wait()


class CDP:
    """Chrome DevTools Protocol over a WebSocket, with the standard library only."""

    def __init__(self, ws_url):
        host, path = ws_url[len("ws://"):].split("/", 1)
        h, p = host.split(":")
        self.sock = socket.create_connection((h, int(p)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += self.sock.recv(4096)
        head, self.buf = reply.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            die(f"DevTools refused the WebSocket: {head[:80]!r}")
        self.next_id, self.events = 0, []

    def _recv(self, n):
        while len(self.buf) < n:
            more = self.sock.recv(65536)
            if not more: die("DevTools closed the connection")
            self.buf += more
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self):
        b0, b1 = self._recv(2)
        n = b1 & 127
        if n == 126: n = struct.unpack(">H", self._recv(2))[0]
        elif n == 127: n = struct.unpack(">Q", self._recv(8))[0]
        payload = self._recv(n)
        return b0 & 15, payload

    def send(self, method, **params):
        self.next_id += 1
        data = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536
                                else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(data)))
        want, text = self.next_id, b""
        while True:
            op, payload = self._frame()
            text += payload
            if op == 0 or op == 1:
                msg = json.loads(text); text = b""
                if msg.get("id") == want:
                    if "error" in msg: die(f"{method}: {msg['error']}")
                    return msg.get("result", {})
                self.events.append(msg)

    def eval(self, expr):
        r = self.send("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)
        return r.get("result", {}).get("value")

    def screenshot(self, path):
        shot = self.send("Page.captureScreenshot", format="png")
        with open(path, "wb") as f: f.write(base64.b64decode(shot["data"]))
        return path


def chromium(port, extra=(), lang="zh-CN"):
    """Headless Chromium with DevTools on `port`, at 390x844: (process, CDP of its page)."""
    profile = tempfile.mkdtemp(prefix="gridpass-chromium-")
    proc = subprocess.Popen(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", f"--remote-debugging-port={port}",
                             f"--user-data-dir={profile}", "--window-size=390,844", f"--lang={lang}", f"--accept-lang={lang}",
                             *extra, "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages: return proc, CDP(pages[0]["webSocketDebuggerUrl"])
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill(); die("chromium did not start")


def wait(cdp, expr, seconds=5):
    """True as soon as the page expression `expr` is truthy, False after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cdp.eval(expr): return True
        time.sleep(0.02)
    return False


WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(seq, born="19850615"):
    """A valid resident identity number (GB 11643) of Beijing 朝阳区, born `born`, sequence `seq`."""
    body = "110105" + born + f"{seq % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]
