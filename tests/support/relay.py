"""A TCP relay in front of a test server that loses requests or answers on purpose."""

from __future__ import annotations

import contextlib
import socket
import threading


class Relay:
    """A TCP relay in front of the server that can lose requests or answers on purpose.

    ``lose_requests``: bytes from the client are dropped and the connection cut, so the
    server never sees the request. ``lose_answers``: the server's bytes are dropped and
    the connection cut, so the server acted but the client never hears of it.
    ``black_hole``: every byte is dropped and nothing is cut, like a peer whose machine
    froze or whose network vanished silently. ``connections`` and ``client_bytes`` count
    what clients opened and sent, to tell whether a client still talks at all.
    """

    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.target_port = target_port
        self.lose_requests = False
        self.lose_answers = False
        self.black_hole = False
        self.connections = 0
        self.client_bytes = 0
        self._listener = socket.create_server((host, 0))  # host: where clients reach it
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._threads = [threading.Thread(target=self._accept, name="relay-accept", daemon=True)]
        self._threads[0].start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        self._listener.settimeout(0.05)  # to notice close() soon
        while not self._closing.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self.connections += 1
                self._sockets += [client, upstream]
                for source, target, upward in ((client, upstream, True), (upstream, client, False)):
                    thread = threading.Thread(
                        target=self._pump, args=(source, target, upward), daemon=True
                    )
                    self._threads.append(thread)
                    thread.start()

    def _pump(self, source: socket.socket, target: socket.socket, upward: bool) -> None:
        try:
            while data := source.recv(65536):
                if upward:
                    with self._lock:
                        self.client_bytes += len(data)
                if self.lose_requests if upward else self.lose_answers:
                    break
                if not self.black_hole:
                    target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closing.set()
        self._threads[0].join(5)
        self._listener.close()
        with self._lock:
            for end in self._sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            for thread in self._threads[1:]:
                thread.join(5)
            for end in self._sockets:
                end.close()
