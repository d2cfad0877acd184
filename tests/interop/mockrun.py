"""Starts and stops one ucql-mock process for tests/interop/test_mock_driver.py.

The mock prints one line containing "ready" once every node listens; its
stderr goes to a temporary file so that a sanitizer report (ASan/UBSan/LSan
builds) can be found after SIGTERM.
"""

import os
import select
import signal
import subprocess
import tempfile
import time

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error", "LeakSanitizer")


class MockError(Exception):
    pass


class Mock:
    """One ucql-mock cluster on a free port (tried from `base` upwards)."""

    def __init__(self, exe, args, base, tries=20, ready_timeout=20.0):
        self.exe = exe
        self.args = list(args)
        self.proc = None
        self.port = None
        self.stderr_file = None
        last = ""
        for k in range(tries):
            port = base + k
            if self._start(port, ready_timeout):
                return
            last = self._stderr_text()
            self._close_stderr()
            # exit 1 with EADDRINUSE: the port is taken, try the next one.
            if "in use" not in last.lower() and "eaddrinuse" not in last.lower():
                break
        raise MockError("ucql-mock %s did not start: %s" % (" ".join(self.args), last.strip()[-500:]))

    def _start(self, port, ready_timeout):
        self.stderr_file = tempfile.TemporaryFile(mode="w+b")
        cmd = [self.exe] + self.args + ["--port", str(port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr_file)
        deadline = time.monotonic() + ready_timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                return False
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:  # exited before ready
                self.proc.wait()
                self.proc = None
                return False
            buf += chunk
            if b"ready" in buf:
                self.port = port
                self.ready_line = buf.decode(errors="replace").strip()
                return True

    def _stderr_text(self):
        if self.stderr_file is None:
            return ""
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")

    def _close_stderr(self):
        if self.stderr_file is not None:
            self.stderr_file.close()
            self.stderr_file = None

    def stop(self):
        """SIGTERM, wait; returns a list of problems (empty when clean)."""
        problems = []
        if self.proc is None:
            return ["ucql-mock was not running"]
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "killed after 60 s without exiting on SIGTERM"
        self.proc.stdout.close()
        if rc != 0:
            problems.append("exit status %s" % rc)
        err = self._stderr_text()
        for mark in SANITIZER_MARKS:
            if mark in err:
                problems.append("sanitizer report (%s): %s" % (mark, err[err.find(mark):][:1500]))
        self._close_stderr()
        self.proc = None
        return problems
