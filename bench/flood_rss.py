# Issue 14: resident memory of a running smppd before and after floods (docs/benchmarks.md).
# Usage: python3 bench/flood_rss.py BUILD/smppd [trim]
import json, os, socket, struct, subprocess, sys, time, threading
binary = sys.argv[1]
d = "/tmp/smppd-flood-rss"
subprocess.run(["rm", "-rf", d]); os.makedirs(d)
conf = d + "/smppd.toml"
open(conf, "w").write('[node]\nid = 7\ndata_dir = "var"\n[smpp]\nlisten = "127.0.0.1:0"\ntls_listen = ""\nbind_timeout_s = 30\nmax_protocol_errors = 0\n[store]\nurl = "sqlite://var/smppd.db"\n')
subprocess.run([binary, "account", "add", "acme", "--password", "secret", "--max-binds", "100", "--config", conf], check=True, capture_output=True)
log = open(d + "/server.log", "w")
p = subprocess.Popen([binary, "serve", "--config", conf], stderr=log)
lj = d + "/var/listening.json"
while not os.path.exists(lj): time.sleep(0.05)
time.sleep(0.3)
port = int(json.load(open(lj))["smpp"].split(":")[1])
def rss():
    vals = {}
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith(("VmRSS", "VmHWM")): vals[line.split(":")[0]] = int(line.split()[1])
    return vals
def report(what):
    r = rss(); print(f"{what:55s} VmRSS {r['VmRSS']/1024:7.1f} MiB  VmHWM {r['VmHWM']/1024:7.1f} MiB", flush=True)
def unknown(n, seq0=0):
    return b"".join(struct.pack(">IIII", 16, 0x123, 0, seq0 + i) for i in range(n))
report("started")
# 1. 5000 connections, each 100 unknown-command PDUs, all open at once
socks = []
for i in range(5000):
    s = socket.create_connection(("127.0.0.1", port)); socks.append(s)
for s in socks: s.sendall(unknown(100))
time.sleep(2)
report("5000 connections open, 100 unknown PDUs each")
for s in socks: s.close()
time.sleep(3); report("5000 connections closed, 3 s idle")
# 2. one connection flooding unknown commands for 5 s
s = socket.create_connection(("127.0.0.1", port))
stop = [False]
def drain():
    while True:
        try:
            if not s.recv(65536): break
        except OSError: break
t = threading.Thread(target=drain); t.start()
burst = unknown(4096); sent = 0; end = time.time() + 5
while time.time() < end: s.sendall(burst); sent += 4096
s.shutdown(socket.SHUT_RDWR); t.join(); s.close()
time.sleep(3); report(f"unknown-command flood ({sent} PDUs in 5 s), 3 s idle")
# 3. pipelined submits
b = subprocess.run([binary, "bench", "--port", str(port), "--host", "127.0.0.1", "--sessions", "4", "--window", "512", "--count", "200000", "--system-id", "acme", "--password", "secret", "--json", "--quiet", "--config", conf], capture_output=True, text=True)
print("bench:", b.stdout.strip()[:300], b.stderr.strip()[:300])
time.sleep(5); report("200000 pipelined submits (4 x window 512), 5 s idle")
time.sleep(31); report("then 36 s idle")
if len(sys.argv) > 2 and sys.argv[2] == "trim":
    g = subprocess.run(["gdb", "-p", str(p.pid), "-batch", "-ex", "call (int)malloc_trim(0)"], capture_output=True, text=True)
    time.sleep(1); report("after malloc_trim(0) (gdb)")
p.terminate(); p.wait()
print("log bytes:", os.path.getsize(d + "/server.log"))
