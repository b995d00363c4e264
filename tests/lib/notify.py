#!/usr/bin/env python3
"""notify.py: a stand-in for systemd's notification socket in tests.

Binds an AF_UNIX datagram socket at the given path, prints "listening",
then prints every line of every datagram it receives (READY=1, STATUS=...),
flushing each, until it is killed. Tests read its output to wait for events
instead of sleeping.
"""
import os
import socket
import sys


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    print("listening", flush=True)
    while True:
        data = s.recv(65536)
        for line in data.decode("utf-8", "replace").splitlines():
            print(line, flush=True)


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
