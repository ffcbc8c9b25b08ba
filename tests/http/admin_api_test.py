"""The admin API end to end (/api/admin/, Authorization: Bearer): every endpoint with and
without the token; an account created over the API binds over SMPP and sends over REST with
a token made over the API; a reset password replaces the old one; a session unbound over
the API is gone; queues show an account's pending receipts. Debian's /usr/bin/python3."""

import json
import os
import struct
import sys
import time
import unittest

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smppd_fixture import Smppd, read_pdu, smpp_bind  # noqa: E402

BINARY = None


class AdminApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.smppd = Smppd(BINARY, tail="[simulator]\ndefault_delay_ms = 0\n")
        cls.smppd.start()
        with open(os.path.join(cls.smppd.dir, "var", "admin_token")) as f:
            cls.token = f.read().strip()
        cls.api = cls.smppd.http + "/api/admin"
        cls.auth = {"Authorization": "Bearer " + cls.token}

    @classmethod
    def tearDownClass(cls):
        cls.smppd.close()

    def call(self, method, path, body=None, auth=True):
        return requests.request(method, self.api + path, json=body, timeout=10,
                                headers=self.auth if auth else {})

    def test_a_generated_token_is_in_the_data_dir_owner_only_and_logged_once(self):
        self.assertEqual(len(self.token), 43)
        mode = os.stat(os.path.join(self.smppd.dir, "var", "admin_token")).st_mode & 0o777
        self.assertEqual(mode, 0o600)
        self.assertEqual(self.smppd.logs().count(self.token), 1)

    def test_every_endpoint_refuses_without_the_token(self):
        for method, path in [("GET", "/accounts"), ("POST", "/accounts"), ("GET", "/accounts/x"),
                             ("PATCH", "/accounts/x"), ("DELETE", "/accounts/x"),
                             ("POST", "/accounts/x/password"), ("GET", "/accounts/x/tokens"),
                             ("POST", "/accounts/x/tokens"), ("DELETE", "/tokens/x"),
                             ("GET", "/sessions"), ("DELETE", "/sessions/1"),
                             ("GET", "/carriers"), ("GET", "/queues")]:
            r = self.call(method, path, auth=False)
            self.assertEqual(r.status_code, 401, f"{method} {path}")
            r = requests.request(method, self.api + path, timeout=10,
                                 headers={"Authorization": "Bearer " + self.token[:-1] + "x"})
            self.assertEqual(r.status_code, 401, f"{method} {path} with a wrong token")
        self.assertNotIn(self.token[:-1] + "x", self.smppd.logs())

    def test_accounts_from_creation_to_removal(self):
        r = self.call("POST", "/accounts", {"system_id": "adm1", "max_binds": 2,
                                            "throughput": 100, "max_priority": 1,
                                            "classes": ["standard"]})
        self.assertEqual(r.status_code, 201, r.text)
        created = r.json()
        password = created["password"]
        self.assertEqual(len(password), 8)
        self.assertEqual(created["max_binds"], 2)
        self.assertEqual(created["classes"], ["standard"])
        self.assertNotIn(password, self.smppd.logs())
        self.assertEqual(self.call("POST", "/accounts", {"system_id": "adm1"}).status_code, 409)
        self.assertEqual(self.call("POST", "/accounts", {"system_id": ""}).status_code, 400)
        self.assertEqual(self.call("POST", "/accounts",
                                   {"system_id": "adm9", "max_priority": 7}).status_code, 400)
        names = [a["system_id"] for a in self.call("GET", "/accounts").json()]
        self.assertIn("adm1", names)
        self.assertNotIn("password_hash", self.call("GET", "/accounts/adm1").json())

        # It binds over SMPP with the password shown once; the CLI sees it too.
        s, status = smpp_bind(self.smppd.smpp_port, "adm1", password)
        self.assertEqual(status, 0)
        s.close()
        shown = json.loads(self.smppd.cli("account", "show", "adm1", "--json").stdout)
        self.assertEqual(shown["throughput"], 100)

        r = self.call("PATCH", "/accounts/adm1", {"throughput": 5, "webhook_url": "http://h/x",
                                                  "webhook_secret": "s3"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["throughput"], 5)
        self.assertEqual(r.json()["max_binds"], 2)  # untouched
        self.assertTrue(r.json()["webhook_secret_set"])
        self.assertNotIn("s3", r.text)
        self.assertEqual(self.call("PATCH", "/accounts/adm1",
                                   {"webhook_url": "ftp://x"}).status_code, 400)

        r = self.call("POST", "/accounts/adm1/password")
        self.assertEqual(r.status_code, 200)
        new_password = r.json()["password"]
        self.assertNotEqual(new_password, password)
        old, status = smpp_bind(self.smppd.smpp_port, "adm1", password)
        old.close()
        self.assertEqual(status, 0x0000000E)  # ESME_RINVPASWD: the old one is gone
        s, status = smpp_bind(self.smppd.smpp_port, "adm1", new_password)
        self.assertEqual(status, 0)
        s.close()

        # A token made over the API sends over REST; removed, it is refused.
        r = self.call("POST", "/accounts/adm1/tokens", {"label": "app"})
        self.assertEqual(r.status_code, 201, r.text)
        token, token_id = r.json()["token"], r.json()["id"]
        self.assertEqual([t["id"] for t in self.call("GET", "/accounts/adm1/tokens").json()],
                         [token_id])
        r = requests.post(self.smppd.http + "/rest/mtsms", auth=(token, ""), timeout=10,
                          json={"message": "hi", "recipients": [{"msisdn": 4512345678}]})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(self.call("DELETE", "/tokens/" + token_id).status_code, 204)
        self.assertEqual(self.call("DELETE", "/tokens/" + token_id).status_code, 404)
        deadline = time.time() + 6
        while time.time() < deadline:
            r = requests.post(self.smppd.http + "/rest/mtsms", auth=(token, ""), timeout=10,
                              json={"message": "hi", "recipients": [{"msisdn": 4512345678}]})
            if r.status_code == 401:
                break
            time.sleep(0.2)
        self.assertEqual(r.status_code, 401)

        self.assertEqual(self.call("DELETE", "/accounts/adm1").status_code, 204)
        self.assertEqual(self.call("GET", "/accounts/adm1").status_code, 404)
        self.assertEqual(self.call("DELETE", "/accounts/adm1").status_code, 404)

    def test_sessions_listed_and_unbound_queues_and_carriers(self):
        r = self.call("POST", "/accounts", {"system_id": "adm2", "password": "pw2"})
        self.assertEqual(r.status_code, 201, r.text)
        receiver, status = smpp_bind(self.smppd.smpp_port, "adm2", "pw2")
        self.assertEqual(status, 0)
        sessions = [s for s in self.call("GET", "/sessions").json() if s["system_id"] == "adm2"]
        self.assertEqual(len(sessions), 1)
        session = sessions[0]
        self.assertEqual(session["bind"], "transceiver")
        self.assertEqual(session["node"], 9)
        self.assertTrue(session["peer"].startswith("127.0.0.1:"))
        self.assertLessEqual(abs(session["since"] - time.time()), 30)

        # `smppd status` shows the same from the terminal (the token from DATA_DIR).
        status = self.smppd.cli("status")
        self.assertIn("adm2", status.stdout)
        self.assertIn("transceiver", status.stdout)
        self.assertIn(": ready", status.stdout)
        self.assertEqual(self.smppd.cli("status", "--admin-token", "wrong",
                                        check=False).returncode, 1)

        # A submit_sm asking for a receipt, whose receipt this session never acknowledges:
        # it stays queued for the account.
        body = (b"\0" + bytes([1, 1]) + b"4511\0" + bytes([1, 1]) + b"4512345678\0" +
                bytes([0, 0, 0]) + b"\0\0" + bytes([1, 0, 0, 0, 1]) + b"q")
        receiver.sendall(struct.pack(">IIII", 16 + len(body), 0x00000004, 0, 2) + body)
        resp = read_pdu(receiver)
        self.assertEqual((resp[0], resp[1]), (0x80000004, 0))
        deadline = time.time() + 10
        queue = None
        while time.time() < deadline:
            queues = self.call("GET", "/queues").json()
            queue = next((a for a in queues["accounts"] if a["system_id"] == "adm2"), None)
            if queue and queue["receipts_pending"] >= 1:
                break
            time.sleep(0.1)
        self.assertIsNotNone(queue)
        self.assertEqual(queue["receivers"], 1)
        self.assertGreaterEqual(queue["receipts_pending"], 1)
        self.assertIsInstance(self.call("GET", "/carriers").json(), list)

        # Unbound over the API: the client gets an unbind, and the session is gone.
        self.assertEqual(self.call("DELETE", f"/sessions/{session['id']}").status_code, 204)
        got_unbind = False
        receiver.settimeout(10)
        while True:
            pdu = read_pdu(receiver)
            if pdu is None:
                break
            if pdu[0] == 0x00000006:  # unbind
                got_unbind = True
                break
        self.assertTrue(got_unbind)
        receiver.close()
        deadline = time.time() + 10
        while time.time() < deadline:
            if not [s for s in self.call("GET", "/sessions").json() if s["id"] == session["id"]]:
                break
            time.sleep(0.1)
        self.assertFalse([s for s in self.call("GET", "/sessions").json()
                          if s["id"] == session["id"]])
        self.assertEqual(self.call("DELETE", f"/sessions/{session['id']}").status_code, 404)
        self.assertEqual(self.call("GET", "/nothing").status_code, 404)


def main():
    global BINARY
    BINARY = os.path.abspath(sys.argv[1])
    program = unittest.main(argv=[sys.argv[0], *sys.argv[2:]], exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
