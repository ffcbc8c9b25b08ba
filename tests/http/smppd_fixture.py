"""A private smppd for the HTTP tests: a scratch folder with its config (every port 0), the
CLI, and `smppd serve` in the background with the addresses it wrote to listening.json.
Only the Python standard library, so that the tests' own clients stay independent."""

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time


class Smppd:
    def __init__(self, binary, http_extra="", tail=""):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="smppd-http-")
        self.config = os.path.join(self.dir, "smppd.toml")
        with open(self.config, "w") as f:
            f.write(
                '[node]\nid = 9\ndata_dir = "var"\n'
                '[smpp]\nlisten = "127.0.0.1:0"\ntls_listen = ""\n'
                '[store]\nurl = "sqlite://var/smppd.db"\ndurability = "normal"\n'
                '[http]\nlisten = "127.0.0.1:0"\n' + http_extra + "\n" + tail
            )
        self.process = None
        self.log_path = os.path.join(self.dir, "serve.log")

    def cli(self, *args, check=True):
        r = subprocess.run([self.binary, *args, "--config", self.config],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"smppd {' '.join(args)} exited {r.returncode}: {r.stderr}")
        return r

    def add_account(self, name, password="secret1", *extra):
        self.cli("account", "add", name, "--password", password, *extra)

    def add_token(self, account):
        return self.cli("token", "add", account).stdout.splitlines()[0].strip()

    def start(self, timeout=20):
        listening = os.path.join(self.dir, "var", "listening.json")
        if os.path.exists(listening):
            os.remove(listening)
        if getattr(self, "log", None):
            self.log.close()
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen([self.binary, "serve", "--config", self.config],
                                        stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"smppd serve exited {self.process.returncode}: {self.logs()}")
            try:
                with open(listening) as f:
                    addresses = json.load(f)
                self.http = "http://" + addresses["http"]
                self.smpp_port = int(addresses["smpp"].rsplit(":", 1)[1])
                return
            except (OSError, ValueError, KeyError):
                time.sleep(0.05)
        raise AssertionError("smppd serve did not write listening.json: " + self.logs())

    def http_address(self):
        host, port = self.http[len("http://"):].rsplit(":", 1)
        return host, int(port)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    def terminate(self, timeout=15):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(timeout=timeout)
        return self.process.returncode if self.process else None

    def logs(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def read_pdu(sock):
    """One SMPP PDU: (command_id, command_status, sequence_number, body); None when closed."""
    header = b""
    while len(header) < 16:
        chunk = sock.recv(16 - len(header))
        if not chunk:
            return None
        header += chunk
    length, command, status, sequence = struct.unpack(">IIII", header)
    body = b""
    while len(body) < length - 16:
        chunk = sock.recv(length - 16 - len(body))
        if not chunk:
            return None
        body += chunk
    return command, status, sequence, body


def smpp_bind(port, system_id, password, command=0x00000009):
    """A raw SMPP bind (transceiver by default) from its bytes, written here; returns the
    socket and the bind_resp's command_status."""
    body = (system_id.encode() + b"\0" + password.encode() + b"\0" + b"\0" +
            bytes([0x34, 0, 0]) + b"\0")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(struct.pack(">IIII", 16 + len(body), command, 0, 1) + body)
    pdu = read_pdu(s)
    if pdu is None:
        raise AssertionError("closed before the bind_resp")
    if pdu[0] != (command | 0x80000000):
        raise AssertionError(f"expected a bind_resp, got command {pdu[0]:#x}")
    return s, pdu[1]
