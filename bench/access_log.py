"""gunicorn's access log, read as it grows: the server's own time of each request.

%(D)s is the time gunicorn measures itself around one request, in microseconds: from the parsed request through the
WSGI app (and anything it calls in process) to the response's last byte written. Client, HTTP parsing of the
request and connection handling are outside it. A gunicorn option, so it measures any checkout alike.
"""

import time
from dataclasses import dataclass
from pathlib import Path

FORMAT = "%(D)s %(s)s %(m)s %(U)s"  # the path last: the one field that could hold a space


@dataclass(frozen=True)
class Line:
    """One request as gunicorn logged it (the path without its query string)."""

    method: str
    path: str
    status: int
    ms: float


def parse(text: str) -> Line:
    try:
        micros, status, method, path = text.split(" ", 3)
        return Line(method, path, int(status), int(micros) / 1000)
    except ValueError:
        raise RuntimeError(f"not an access-log line in the format {FORMAT!r}: {text!r}") from None


class AccessLog:
    """The lines a gunicorn started with `options()` writes to `path`, each read once, in the order written."""

    def __init__(self, path: Path):
        self.path, self.offset = path, 0

    def options(self) -> list[str]:
        return ["--access-logfile", str(self.path), "--access-logformat", FORMAT]

    def read(self, count: int, wait: float = 2.0) -> list[Line]:
        """Every complete line written since the last read, once there are at least `count` or `wait` seconds have
        passed (gunicorn writes a line just after sending the response, so it can trail the client a moment)."""
        deadline = time.monotonic() + wait
        while True:
            lines = self.complete()
            if lines.count(b"\n") >= count or time.monotonic() >= deadline:
                self.offset += len(lines)
                return [parse(line) for line in lines.decode().splitlines()]
            time.sleep(0.005)

    def complete(self) -> bytes:
        """The complete lines after the offset (a line being written is left for the next read)."""
        if not self.path.exists():
            return b""
        with self.path.open("rb") as file:
            file.seek(self.offset)
            text = file.read()
        return text[: text.rfind(b"\n") + 1]
