"""A fleet server for the tests: osquery's TLS remote API (enroll and
config) answered the way FleetDM answers it, on 127.0.0.1 over real TLS.

Certificates are made at test time with the openssl command line in a
temporary directory: a CA, a server certificate for localhost/127.0.0.1
signed by it, a server certificate for another name (a wrong-hostname
case), a second CA nobody trusts, and a client certificate for mutual TLS.

The server records every request (path, headers, JSON body, time) and has
switches: replies are gzip-compressed when the request accepts gzip; a
wrong enroll secret is refused with FleetDM's
{"error", "node_invalid": true}; invalidate_keys() makes every node key
unknown, so the next config request gets node_invalid; require_client_cert
makes the handshake ask for a client certificate signed by the CA, and
no_auth serves the config without a node key (such servers know hosts by
their certificate); tls11 speaks TLS 1.1 at most. EndpointFaults makes
any endpoint answer late, with a 500, garbage or node_invalid.
"""
import atexit
import gzip
import http.server
import json
import os
import secrets
import shutil
import ssl
import subprocess
import tempfile
import threading
import time

ENROLL = "/api/osquery/enroll"
CONFIG = "/api/osquery/config"


def private_dir():
    """A temp directory removed at exit: keys and secrets do not linger."""
    path = tempfile.mkdtemp(prefix="sysq-fleet-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def secret_file(text, mode=0o600):
    """The enroll secret in a file of its own, root's and mode 0600 unless
    a test wants it otherwise."""
    path = os.path.join(private_dir(), "secret")
    with open(path, "w") as f:
        f.write(text + "\n")
    os.chmod(path, mode)
    return path


def os_release():
    """os-release(5) as a dict: what the host tables must agree with."""
    values = {}
    path = "/etc/os-release" if os.path.exists("/etc/os-release") else "/usr/lib/os-release"
    with open(path) as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                values[key] = value.strip('"').strip("'")
    return values


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d):
    """Writes the CAs and certificates into directory d; returns their paths."""
    def ca(name):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.pem", cwd=d)

    def signed(name, san, usage):
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(f"subjectAltName={san}\nextendedKeyUsage={usage}\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext",
                "-out", f"{name}.pem", cwd=d)

    ca("ca")
    ca("other_ca")
    signed("server", "DNS:localhost,IP:127.0.0.1", "serverAuth")
    signed("wrong_name", "DNS:other.example", "serverAuth")
    signed("client", "DNS:client", "clientAuth")
    for name in os.listdir(d):
        os.chmod(os.path.join(d, name), 0o600)
    return {n: os.path.join(d, f"{n}.pem") for n in
            ("ca", "other_ca", "server", "wrong_name", "client")} | {
                "client_key": os.path.join(d, "client.key")}


# --- distributed (live) queries ----------------------------------------
DISTRIBUTED_READ = "/api/osquery/distributed/read"
DISTRIBUTED_WRITE = "/api/osquery/distributed/write"


class DistributedEndpoints:
    """Live queries handed out as FleetDM does. queue_queries() queues a
    batch ({id: sql}, its discovery queries, accelerate) that the next read
    takes; a read with nothing queued gets an empty batch. Every write body
    is kept; answers(id) is what the writes said about query `id`. Both
    endpoints want a known node key (node_invalid otherwise). Called with
    the server's lock held, except queue_queries and the readers."""

    def _dist(self):
        return self.__dict__.setdefault("dist_state", {"batches": [], "writes": []})

    def distributed_answer(self, path, body):
        if not self.no_auth and (not isinstance(body, dict) or
                                 body.get("node_key") not in self.keys):
            return 401, {"error": "authentication error: invalid node key",
                         "node_invalid": True}
        state = self._dist()
        if path == DISTRIBUTED_READ:
            return 200, state["batches"].pop(0) if state["batches"] else {"queries": {}}
        state["writes"].append(body)
        return 200, {}

    def queue_queries(self, queries, discovery=None, accelerate=None):
        batch = {"queries": dict(queries)}
        if discovery:
            batch["discovery"] = dict(discovery)
        if accelerate is not None:
            batch["accelerate"] = accelerate
        with self.lock:
            self._dist()["batches"].append(batch)

    def dist_writes(self):
        with self.lock:
            return list(self._dist()["writes"])

    def answers(self, qid):
        """[(rows, status, message, stats)] for each write that named qid."""
        return [(w.get("queries", {}).get(qid), w.get("statuses", {}).get(qid),
                 w.get("messages", {}).get(qid), w.get("stats", {}).get(qid))
                for w in self.dist_writes() if qid in w.get("statuses", {})]


# --- faults and delays on any endpoint ------------------------------------
FAULT_REPLIES = {
    "500": (500, {"error": "internal server error"}),
    # What a proxy in front of a broken server sends.
    "500html": (500, b"<html><head><title>500 Internal Server Error</title></head>"
                     b"<body><h1>Internal Server Error</h1></body></html>"),
    "garbage": (200, b"\x00\x01 this is not JSON {{{"),
    "node_invalid": (200, {"node_invalid": True}),
}


class EndpointFaults:
    """Switches that make any endpoint misbehave (the log endpoint's own
    log_faults and log_fail_all below count separately and stay as they
    were). faults maps an endpoint to {call number: fault}, 1 being that
    endpoint's first request; fail_all maps an endpoint to the fault every
    call gets. A fault is one of FAULT_REPLIES: "500" (a JSON error),
    "500html" (an HTML page), "garbage" (a 200 whose body is not JSON) or
    "node_invalid" (the node key the request carried is forgotten). delays
    maps an endpoint to the seconds its answers wait before they are sent;
    the request is recorded (seen()) before the wait."""

    faults = None
    fail_all = None
    delays = None

    def _calls(self):
        return self.__dict__.setdefault("endpoint_calls", {})

    def calls(self, path):
        """How many requests `path` has had."""
        with self.lock:
            return self._calls().get(path, 0)

    def fault_next(self, path, *faults):
        """The next len(faults) requests to `path` get these faults, in
        order; returns the call number of the first of them."""
        for f in faults:
            if f not in FAULT_REPLIES:
                raise ValueError(f"unknown fault {f!r}")
        with self.lock:
            n = self._calls().get(path, 0)
            table = dict((self.faults or {}).get(path, {}))
            table.update({n + i: f for i, f in enumerate(faults, 1)})
            self.faults = dict(self.faults or {}, **{path: table})
            return n + 1

    def set_fail_all(self, path, fault):
        """Every request to `path` gets `fault` (None: none) from now on."""
        if fault is not None and fault not in FAULT_REPLIES:
            raise ValueError(f"unknown fault {fault!r}")
        with self.lock:
            self.fail_all = dict(self.fail_all or {}, **{path: fault})

    def endpoint_fault(self, path, body):
        """Called with the lock held, the request just recorded: counts the
        call and returns the (status, reply) of its fault, or None."""
        calls = self._calls()
        calls[path] = calls.get(path, 0) + 1
        fault = ((self.faults or {}).get(path) or {}).get(calls[path]) or \
            (self.fail_all or {}).get(path)
        if fault is None:
            return None
        self.requests[-1]["fault"] = fault
        if fault == "node_invalid" and isinstance(body, dict):
            self.keys.discard(body.get("node_key"))
        return FAULT_REPLIES[fault]

    def delay(self, path):
        """Seconds an answer to `path` waits before it is sent."""
        return (self.delays or {}).get(path, 0)


class FleetServer(DistributedEndpoints, EndpointFaults):
    def __init__(self, certs, secret, cert="server", require_client_cert=False,
                 no_auth=False, tls11=False):
        self.certs = certs
        self.secret = secret
        self.no_auth = no_auth  # a server that knows hosts by certificate only
        self.config = {}
        self.requests = []
        self.keys = set()
        self.lock = threading.Lock()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        base = os.path.dirname(certs["ca"])
        ctx.load_cert_chain(os.path.join(base, f"{cert}.pem"), os.path.join(base, f"{cert}.key"))
        if tls11:  # an old server: TLS 1.1 at most, which sysq must refuse
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        if require_client_cert:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(certs["ca"])
        self.handshake_errors = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                status, reply = server.answer(self.path, dict(self.headers), body)
                time.sleep(server.delay(self.path))
                data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                if "gzip" in self.headers.get("Accept-Encoding", ""):
                    data = gzip.compress(data)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                server.handshake_errors += 1

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def hostname(self):
        return f"localhost:{self.port}"

    def answer(self, path, headers, body):
        with self.lock:
            self.requests.append({"path": path, "headers": headers, "body": body,
                                  "time": time.monotonic()})
            fault = self.endpoint_fault(path, body)
            if fault:
                return fault
            if path == ENROLL:
                if not isinstance(body, dict) or body.get("enroll_secret") != self.secret:
                    return 401, {"error": "enroll failed: no matching secret found",
                                 "node_invalid": True}
                key = secrets.token_urlsafe(24)
                self.keys.add(key)
                return 200, {"node_key": key}
            if path == CONFIG:
                if not self.no_auth and (not isinstance(body, dict) or
                                         body.get("node_key") not in self.keys):
                    return 401, {"error": "authentication error: invalid node key",
                                 "node_invalid": True}
                return 200, self.config
            if path in (DISTRIBUTED_READ, DISTRIBUTED_WRITE):
                return self.distributed_answer(path, body)
            if path == LOG:
                return self.answer_log(body)
            return 404, {"error": "not found"}

    def invalidate_keys(self):
        with self.lock:
            self.keys.clear()

    def seen(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # The log endpoint (LOG) records what it gets; gzip request bodies are
    # decompressed (do_POST). log_faults maps a call number (1 = the first
    # log request) to "500", "garbage" or "node_invalid"; log_fail_all
    # fails every call that way. go_down() and come_back() make an outage:
    # the server stops and listens again on the same port.
    log_faults = None
    log_fail_all = None
    log_calls = 0

    def answer_log(self, body):
        """Called with self.lock held, the request just recorded: marks it
        "ok" when its lines count as delivered."""
        self.log_calls += 1
        fault = (self.log_faults or {}).get(self.log_calls) or self.log_fail_all
        self.requests[-1]["ok"] = False
        if not self.no_auth and (not isinstance(body, dict) or
                                 body.get("node_key") not in self.keys):
            return 401, {"error": "authentication error: invalid node key",
                         "node_invalid": True}
        if fault == "500":
            return 500, {"error": "internal server error"}
        if fault == "garbage":
            return 200, b"<html>502 Bad Gateway</html>"
        if fault == "node_invalid":
            self.keys.discard(body.get("node_key"))
            return 200, {"node_invalid": True}
        self.requests[-1]["ok"] = True
        return 200, {}

    def log_data(self, log_type):
        """Every item of the data of the delivered log requests of that
        type, in the order they arrived."""
        with self.lock:
            return [item for r in self.requests
                    if r["path"] == LOG and r.get("ok") and r["body"].get("log_type") == log_type
                    for item in r["body"].get("data", [])]

    def go_down(self):
        """Stops answering: the port is closed until come_back()."""
        self._restart = (type(self.httpd), self.httpd.RequestHandlerClass,
                         self.httpd.socket.context)
        self.stop()

    def come_back(self):
        server_class, handler, ctx = self._restart
        self.httpd = server_class(("127.0.0.1", self.port), handler)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()


LOG = "/api/osquery/log"
