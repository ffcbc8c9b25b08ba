"""/metrics and /readyz end to end: after a known workload over SMPP and REST (submits, one
refused bind, a bound session, receipts acknowledged) the scraped values equal the counts,
and Prometheus' own promtool accepts the page. Run with Debian's /usr/bin/python3."""

import os
import subprocess
import sys
import time
import unittest

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smppd_fixture import Smppd, smpp_bind  # noqa: E402

BINARY = None


def scrape(base):
    """The page as {(name, frozenset(labels)): value}, parsed here, not by the server."""
    r = requests.get(base + "/metrics", timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain"), r.headers
    values = {}
    for line in r.text.splitlines():
        if not line or line.startswith("#"):
            continue
        series, value = line.rsplit(" ", 1)
        labels = frozenset()
        if "{" in series:
            name, rest = series.split("{", 1)
            pairs = [p.split("=", 1) for p in rest.rstrip("}").split(",")]
            labels = frozenset((k, v.strip('"')) for k, v in pairs)
        else:
            name = series
        values[(name, labels)] = float(value)
    return r.text, values


def bind_transceiver(port, system_id, password):
    return smpp_bind(port, system_id, password)


class MetricsTest(unittest.TestCase):
    def test_counts_after_a_known_workload_and_promtool_accepts_the_page(self):
        smppd = Smppd(BINARY, tail='[simulator]\ndefault_delay_ms = 0\n'
                                   '[[simulator.rule]]\nprefix = "4599"\nstatus = "UNDELIV"\n'
                                   'error = 0x107E\ndelay_ms = 0\n')
        try:
            smppd.add_account("acme", "secret1")
            token = smppd.add_token("acme")
            smppd.start()
            self.assertEqual(requests.get(smppd.http + "/readyz", timeout=5).status_code, 200)
            _, before = scrape(smppd.http)
            self.assertEqual(before[("smppd_receipts_pending", frozenset())], 0)

            # 3 SMPP messages with their receipts acknowledged (2 delivered, 1 undeliverable).
            for to in ("4512345678", "4512345679", "4599000001"):
                r = subprocess.run([BINARY, "send", "--config", smppd.config, "--to", to,
                                    "--text", "hi", "--port", str(smppd.smpp_port),
                                    "--system-id", "acme", "--password", "secret1",
                                    "--wait-receipt", "--timeout", "20"],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            # One refused bind.
            s, status = bind_transceiver(smppd.smpp_port, "acme", "wrong")
            s.close()
            self.assertEqual(status, 0x0000000E)  # ESME_RINVPASWD
            # 2 REST requests (3 messages), and one refused for a missing parameter.
            for recipients in ([4512300001, 4512300002], [4512300003]):
                r = requests.post(smppd.http + "/rest/mtsms", auth=(token, ""), timeout=10,
                                  json={"message": "x",
                                        "recipients": [{"msisdn": m} for m in recipients]})
                self.assertEqual(r.status_code, 200, r.text)
            r = requests.post(smppd.http + "/rest/mtsms", auth=(token, ""), timeout=10,
                              json={"message": "x"})
            self.assertEqual(r.status_code, 400)
            # A session that stays bound.
            held, status = bind_transceiver(smppd.smpp_port, "acme", "secret1")
            self.assertEqual(status, 0)

            deadline = time.time() + 20
            while True:
                page, m = scrape(smppd.http)
                final = sum(v for (n, _), v in m.items() if n == "smppd_messages_final_total")
                if final >= 6 or time.time() > deadline:
                    break
                time.sleep(0.1)

            def value(name, **labels):
                return m.get((name, frozenset(labels.items())), 0)

            self.assertEqual(value("smppd_submit_sm_total", status="ESME_ROK"), 3)
            self.assertEqual(value("smppd_binds_refused_total", status="ESME_RINVPASWD"), 1)
            self.assertEqual(value("smppd_sessions", bind="transceiver"), 1)
            self.assertEqual(value("smppd_sessions", bind="transmitter"), 0)
            self.assertEqual(value("smppd_messages_final_total", state="delivered"), 5)
            self.assertEqual(value("smppd_messages_final_total", state="undeliverable"), 1)
            self.assertEqual(value("smppd_receipts_pending"), 0)  # all 3 acknowledged
            self.assertEqual(value("smppd_store_commit_seconds_count"), 6)
            self.assertEqual(value("smppd_store_commit_seconds_bucket", le="+Inf"), 6)
            self.assertGreater(value("smppd_store_commit_seconds_sum"), 0)
            self.assertEqual(value("smppd_http_requests_total", route="mtsms_send", status="200"), 2)
            self.assertEqual(value("smppd_http_requests_total", route="mtsms_send", status="400"), 1)
            self.assertEqual(value("smppd_webhooks_pending"), 0)

            check = subprocess.run(["promtool", "check", "metrics"], input=page,
                                   capture_output=True, text=True, timeout=60)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

            held.close()
            deadline = time.time() + 10
            while value("smppd_sessions", bind="transceiver") != 0 and time.time() < deadline:
                time.sleep(0.1)
                _, m = scrape(smppd.http)
            self.assertEqual(value("smppd_sessions", bind="transceiver"), 0)
        finally:
            smppd.close()

    def test_readyz_turns_503_when_shutdown_begins(self):
        smppd = Smppd(BINARY)
        try:
            smppd.add_account("acme", "secret1")
            smppd.start()
            self.assertEqual(requests.get(smppd.http + "/healthz", timeout=5).status_code, 200)
            self.assertEqual(requests.get(smppd.http + "/readyz", timeout=5).status_code, 200)
            # A bound session keeps the shutdown going (it waits for the unbind_resp that
            # this client never sends), while the HTTP front still answers.
            held, status = bind_transceiver(smppd.smpp_port, "acme", "secret1")
            self.assertEqual(status, 0)
            smppd.process.send_signal(15)
            seen = None
            deadline = time.time() + 4
            while time.time() < deadline:
                try:
                    seen = requests.get(smppd.http + "/readyz", timeout=2).status_code
                except requests.RequestException:
                    break
                if seen == 503:
                    break
                time.sleep(0.05)
            self.assertEqual(seen, 503)
            held.close()
            self.assertEqual(smppd.process.wait(timeout=15), 0)
        finally:
            smppd.close()


def main():
    global BINARY
    BINARY = os.path.abspath(sys.argv[1])
    program = unittest.main(argv=[sys.argv[0], *sys.argv[2:]], exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
