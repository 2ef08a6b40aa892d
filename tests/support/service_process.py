"""A real ``abuse-pipeline run`` subprocess for tests that kill, signal or restart it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

#: The console script installed beside the interpreter running the tests.
ABUSE_PIPELINE = str(Path(sys.executable).with_name("abuse-pipeline"))
#: Seconds to wait for the service to announce its port or to exit.
PROCESS_TIMEOUT = 20.0
_LISTENING = re.compile(r"smtp listening on (?P<host>\S+):(?P<port>\d+)")


class ServiceProcess:
    """``abuse-pipeline run --data-dir DIR`` on an ephemeral port; stderr kept for assertions."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self._stderr_path = data_dir.parent / f"{data_dir.name}-stderr.log"
        self._stderr = self._stderr_path.open("ab")
        # The HTTP API and the parse worker have their own tests; here the API would only contend
        # for its fixed port and the worker would change intake states under the assertions.
        environ = {
            **os.environ,
            "ABUSE_PIPELINE_SMTP__PORT": "0",
            "ABUSE_PIPELINE_API__ENABLED": "false",
            "ABUSE_PIPELINE_WORKER__ENABLED": "false",
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [ABUSE_PIPELINE, "run", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=environ,
        )
        self.port = self._wait_for_port()

    def _wait_for_port(self) -> int:
        found: list[int] = []

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                match = _LISTENING.search(line.decode())
                if match:
                    found.append(int(match["port"]))
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(PROCESS_TIMEOUT)
        if not found:
            self.kill()
            raise RuntimeError(f"service did not start:\n{self.stderr()}")
        return found[0]

    def stderr(self) -> str:
        self._stderr.flush()
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> int:
        """SIGTERM, then the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(PROCESS_TIMEOUT)

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs at all."""
        self.proc.kill()
        return self.proc.wait(PROCESS_TIMEOUT)

    def __enter__(self) -> ServiceProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``abuse-pipeline ARGS`` to completion, capturing its output."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ABUSE_PIPELINE_")}
    return subprocess.run(
        [ABUSE_PIPELINE, *args],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        env={**inherited, **(env or {})},
        check=False,
    )
