#!/usr/bin/env python3
"""Sends the bytes on standard input, exactly as they are, to 127.0.0.1:PORT over one TCP connection and writes
everything the server sends back to standard output, until it closes the connection or TIMEOUT seconds pass
without data. For the API tests' malformed requests, which no HTTP client would send.

  http_raw.py PORT [TIMEOUT] < request
"""
import socket
import sys


def main():
    port = int(sys.argv[1])
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    connection = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        connection.sendall(sys.stdin.buffer.read())
    except OSError:
        pass  # the server may answer and close before it has read everything
    answer = b""
    try:
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    sys.stdout.buffer.write(answer)


if __name__ == "__main__":
    main()
