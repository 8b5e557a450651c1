#!/usr/bin/env python3
"""Answers ZooKeeper's four-letter words on some addresses, for tests of `quorate probe`
that need members up without real servers (the end-to-end test has the real ones).

    four_letter_words.py HOST:PORT:MODE ...

MODE is the `Mode:` line `srvr` answers (leader, follower, observer, standalone). `conf`
answers as a server whose whitelist leaves it out. Prints "ready" once every address
listens, and serves until standard input closes.
"""

import socket
import sys
import threading


def serve(listener, mode):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            word = conn.recv(4).decode("ascii", "replace")
            if word == "srvr":
                text = f"Zookeeper version: 3.8.4-fake\nLatency min/avg/max: 0/0.0/0\nZxid: 0x100000002\nMode: {mode}\nNode count: 5\n"
            else:
                text = f"{word} is not executed because it is not in the whitelist.\n"
            conn.sendall(text.encode("ascii"))


def main():
    listeners = []
    for spec in sys.argv[1:]:
        host, port, mode = spec.rsplit(":", 2)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, int(port)))
        s.listen(16)
        listeners.append(s)
        threading.Thread(target=serve, args=(s, mode), daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()
    for s in listeners:
        s.close()


if __name__ == "__main__":
    main()
