#!/usr/bin/env python3
"""Binds N idle transceiver sessions to a running smppd and reports the server's resident
memory per session (VmRSS before and after, from /proc/PID/status).

usage: bench/idle_sessions.py PORT PID SYSTEM_ID PASSWORD [N]"""
import resource, selectors, socket, struct, sys, time

port, pid, system_id, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 10000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def bind_pdu(seq):
    body = system_id.encode() + b"\0" + password.encode() + b"\0" + b"\0" + bytes([0x34, 0, 0]) + b"\0"
    return struct.pack(">IIII", 16 + len(body), 0x09, 0, seq) + body

before = rss_kib()
sel = selectors.DefaultSelector()
socks, bound, failed = [], 0, 0
start = time.time()
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(bind_pdu(i + 1))
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, bytearray())
    socks.append(s)
    # Read answers as we go so the kernel buffers stay small.
    for key, _ in sel.select(timeout=0):
        buf = key.data
        buf += key.fileobj.recv(4096)
        if len(buf) >= 16:
            status = struct.unpack(">I", bytes(buf[8:12]))[0]
            bound += status == 0
            failed += status != 0
            sel.unregister(key.fileobj)
deadline = time.time() + 60
while bound + failed < count and time.time() < deadline:
    for key, _ in sel.select(timeout=1):
        buf = key.data
        buf += key.fileobj.recv(4096)
        if len(buf) >= 16:
            status = struct.unpack(">I", bytes(buf[8:12]))[0]
            bound += status == 0
            failed += status != 0
            sel.unregister(key.fileobj)
elapsed = time.time() - start
time.sleep(2)
after = rss_kib()
print(f'{{"sessions": {count}, "bound": {bound}, "refused": {failed}, "bind_s": {elapsed:.1f}, '
      f'"rss_before_kib": {before}, "rss_after_kib": {after}, '
      f'"kib_per_session": {(after - before) / max(bound, 1):.2f}}}')
for s in socks:
    s.close()
