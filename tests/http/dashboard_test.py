"""The dashboard at / end to end, in a real browser: headless Chromium driven over the
Chrome DevTools Protocol (python3-websocket). An admin signs in with the token from
DATA_DIR/admin_token, sees a session this test bound, creates an account whose password
shown on the page binds over SMPP, unbinds a session with its button, and is sent back to
the sign-in by a refused token. Nothing is fetched from anywhere but smppd. Writes a
screenshot, dashboard.png, next to the smppd binary. Debian's /usr/bin/python3; without
/usr/bin/chromium (scripts/bootstrap installs it) the test fails."""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import requests
import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smppd_fixture import Smppd, smpp_bind  # noqa: E402

BINARY = None
CHROMIUM = "/usr/bin/chromium"


class Browser:
    """One headless Chromium and a DevTools connection to its page."""

    def __init__(self):
        if not os.path.exists(CHROMIUM):
            raise AssertionError(f"{CHROMIUM} is missing: run scripts/bootstrap")
        self.profile = tempfile.mkdtemp(prefix="smppd-chromium-")
        self.stderr_path = os.path.join(self.profile, "stderr.log")
        self.stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile,
             "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True)
        port = self._devtools_port()
        deadline = time.time() + 20
        while True:
            pages = [t for t in requests.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
                     if t.get("type") == "page"]
            if pages or time.time() > deadline:
                break
            time.sleep(0.1)
        if not pages:
            raise AssertionError("chromium has no page target")
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self.next_id = 0
        self.requested = []  # every URL the page asked for (Network.requestWillBeSent)
        self.events = set()  # the names of the events seen

    def _devtools_port(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"chromium exited {self.process.returncode}: {self.log()}")
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", self.log())
            if m:
                return int(m.group(1))
            time.sleep(0.05)
        raise AssertionError("chromium did not say where DevTools listens: " + self.log())

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def receive(self):
        message = json.loads(self.ws.recv())
        if "method" in message:
            self.events.add(message["method"])
        if message.get("method") == "Page.javascriptDialogOpening":
            # confirm() before a reset or a delete: yes (an id of its own, answer ignored).
            self.ws.send(json.dumps({"id": 10**9 + self.next_id,
                                     "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": True}}))
        if message.get("method") == "Network.requestWillBeSent":
            self.requested.append(message["params"]["request"]["url"])
        return message

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]

    def navigate(self, url):
        self.events.discard("Page.loadEventFired")
        self.call("Page.navigate", url=url)
        while "Page.loadEventFired" not in self.events:
            self.receive()  # the socket's timeout bounds this

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expression, what, timeout=15):
        deadline = time.time() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError("timed out waiting for " + what + "; page: " +
                                     str(self.js("document.body.innerText")))
            time.sleep(0.05)

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # chromium and its helpers
        self.process.wait(timeout=10)
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def shown(element_id):
    return f"(e => !!e && !e.hidden && !e.closest('[hidden]'))(document.getElementById('{element_id}'))"


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.smppd = Smppd(BINARY, tail="[simulator]\ndefault_delay_ms = 0\n")
        cls.smppd.start()
        with open(os.path.join(cls.smppd.dir, "var", "admin_token")) as f:
            cls.token = f.read().strip()
        cls.auth = {"Authorization": "Bearer " + cls.token}
        try:
            cls.browser = Browser()
        except BaseException:
            cls.smppd.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.smppd.close()

    def sessions(self):
        r = requests.get(self.smppd.http + "/api/admin/sessions", headers=self.auth, timeout=10)
        self.assertEqual(r.status_code, 200)
        return r.json()

    def test_the_static_files_are_served_with_their_types_and_no_cache(self):
        for path, kind in [("/", "text/html"), ("/dashboard/app.js", "text/javascript"),
                           ("/dashboard/style.css", "text/css")]:
            r = requests.get(self.smppd.http + path, timeout=10)
            self.assertEqual(r.status_code, 200, path)
            self.assertTrue(r.headers["Content-Type"].startswith(kind), path)
            self.assertEqual(r.headers["Cache-Control"], "no-cache", path)
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src",
                              "http", "dashboard", "index.html")
        with open(source, "rb") as f:
            self.assertEqual(requests.get(self.smppd.http + "/", timeout=10).content, f.read())
        self.assertEqual(requests.get(self.smppd.http + "/dashboard/x.js", timeout=10).status_code,
                         404)

    def test_an_admin_signs_in_sees_sessions_creates_an_account_and_unbinds(self):
        b = self.browser
        started = time.time()
        self.smppd.add_account("watcher", "pw123456")
        watcher, status = smpp_bind(self.smppd.smpp_port, "watcher", "pw123456")
        self.addCleanup(watcher.close)
        self.assertEqual(status, 0)

        b.call("Network.enable")
        b.call("Page.enable")
        b.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
               deviceScaleFactor=1, mobile=False)
        b.navigate(self.smppd.http + "/")
        # Before app.js runs, a click would submit the form natively and reload the page.
        b.wait(f"document.documentElement?.dataset.ready === '1' && {shown('token')}",
               "the sign-in form")

        # A wrong token is refused on the form; the right one opens the overview.
        b.js("document.getElementById('token').value = 'not-the-token'; "
             "document.getElementById('signin').click()")
        b.wait(shown("signin-error"), "the wrong token refused")
        b.js(f"document.getElementById('token').value = {json.dumps(self.token)}; "
             "document.getElementById('signin').click()")
        b.wait(shown("page-overview"), "the overview")
        self.assertEqual(b.js("sessionStorage.getItem('smppd-admin-token')"), self.token)
        b.wait("Array.from(document.getElementById('sessions-by-bind').rows).some(r => "
               "r.cells[0].textContent === 'transceiver' && r.cells[1].textContent === '1')",
               "the transceiver counted by bind type")
        b.wait("/^\\d+$/.test(document.getElementById('receipts-pending').textContent)",
               "receipts pending")

        # The session this test bound is listed.
        b.js("document.getElementById('tab-sessions').click()")
        b.wait("document.getElementById('sessions-table').innerText.includes('watcher')",
               "the watcher's session")

        # An account made on the page binds over SMPP with the password the page shows once.
        b.js("document.getElementById('tab-accounts').click()")
        b.wait(shown("new-account-id"), "the accounts page")
        b.js("document.getElementById('new-account-id').value = 'uiacct'; "
             "document.getElementById('create-account').click()")
        password = b.wait(f"{shown('secret-box')} && "
                          "document.getElementById('new-password').textContent", "the password")
        self.assertEqual(len(password), 8)
        b.wait("document.getElementById('accounts-table').innerText.includes('uiacct')",
               "the new account listed")
        self.assertEqual(b.js("document.getElementById('detail-system-id').textContent"), "uiacct")
        s, status = smpp_bind(self.smppd.smpp_port, "uiacct", password)
        s.close()
        self.assertEqual(status, 0)

        # A token made on the page is shown once and listed.
        b.js("document.getElementById('new-token-label').value = 'ui'; "
             "document.getElementById('create-token').click()")
        token = b.wait("(t => t.length > 20 && t)(document.getElementById('new-password').textContent)",
                       "the API token")
        self.assertNotEqual(token, password)
        b.wait("document.getElementById('tokens-table').innerText.includes('ui')", "the token listed")
        r = requests.post(self.smppd.http + "/rest/mtsms", auth=(token, ""), timeout=10,
                          json={"message": "hi", "recipients": [{"msisdn": 4512345600 + i}
                                                                for i in range(20)]})
        self.assertEqual(r.status_code, 200, r.text)

        # A reset password replaces the old one; a deleted token is refused.
        b.js("document.querySelector('button[data-reset-id=\"uiacct\"]').click()")
        b.wait("document.getElementById('secret-what').textContent.startsWith('New SMPP')",
               "the new password")
        new_password = b.js("document.getElementById('new-password').textContent")
        self.assertNotEqual(new_password, password)
        s, status = smpp_bind(self.smppd.smpp_port, "uiacct", new_password)
        s.close()
        self.assertEqual(status, 0)
        s, status = smpp_bind(self.smppd.smpp_port, "uiacct", password)
        s.close()
        self.assertNotEqual(status, 0)  # a refused bind: an error on the chart
        b.js("document.querySelector('button.delete-token').click()")
        b.wait("document.getElementById('tokens-table').innerText.includes('no API tokens')",
               "the token gone")
        r = requests.post(self.smppd.http + "/rest/mtsms", auth=(token, ""), timeout=10,
                          json={"message": "hi", "recipients": [{"msisdn": 4512345678}]})
        self.assertIn(r.status_code, (200, 401))  # the token cache lasts up to 2 s

        b.js("document.getElementById('tab-carriers').click()")
        b.wait("document.getElementById('carriers-table').innerText.includes('none configured')",
               "no carriers")

        # Unbind: the button's session is gone from smppd and from the table.
        ids = [x["id"] for x in self.sessions() if x["system_id"] == "watcher"]
        self.assertEqual(len(ids), 1)
        b.js("document.getElementById('tab-sessions').click()")
        button = f"document.querySelector('button[data-session-id=\"{ids[0]}\"]')"
        b.wait("!!" + button, "the unbind button")
        b.js(button + ".click()")
        b.wait(f"!{button}", "the session gone from the table")
        deadline = time.time() + 10
        while any(x["system_id"] == "watcher" for x in self.sessions()):
            self.assertLess(time.time(), deadline, "the session is still there")
            time.sleep(0.05)

        # The overview's chart, once it has two rates, is the screenshot.
        b.js("document.getElementById('tab-overview').click()")
        b.wait("/^\\d+\\.\\d$/.test(document.getElementById('rate-submit').textContent) && "
               "rates.some(r => r.final > 0) && rates.some(r => r.errors > 0)",
               "the REST messages' final states and the refused bind charted",
               timeout=10)
        shot = b.call("Page.captureScreenshot", format="png")["data"]
        path = os.path.join(os.path.dirname(os.path.abspath(BINARY)), "dashboard.png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot))

        # A refused token (smppd restarted with another one, say) sends the admin to sign in.
        b.js("sessionStorage.setItem('smppd-admin-token', 'stale'); "
             "document.getElementById('tab-sessions').click()")
        b.wait(shown("signin-page"), "the sign-in again")
        self.assertIsNone(b.js("sessionStorage.getItem('smppd-admin-token')"))

        outside = [u for u in b.requested
                   if not (u.startswith(self.smppd.http + "/") or u == "about:blank")]
        self.assertEqual(outside, [])
        self.assertIn(self.smppd.http + "/dashboard/app.js", b.requested)
        print(f"dashboard: {time.time() - started:.1f} s in the browser, screenshot {path}",
              file=sys.stderr)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
