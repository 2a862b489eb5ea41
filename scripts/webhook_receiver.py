#!/usr/bin/env python3
"""A webhook receiver on loopback for the webhook tests: checks every message's Standard Webhooks signature with the
standardwebhooks library and appends what it got to a file, one JSON object a line.

  webhook_receiver.py --port 8090 --secret whsec_... --out events.jsonl [--delay 5] [--fail 2]

With --port 0 the kernel picks a free port; either way the receiver prints "listening on PORT" once it listens.

Answers 204 to a message whose signature verifies (after DELAY seconds, to play a slow receiver), 400 to one that
does not (recorded with "verified": false), and 503 to the first FAIL messages (recorded as "refused"). Each line:
webhook-id, the event type, whether the signature verified, the body, and the receive time.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--fail", type=int, default=0)
    args = parser.parse_args()
    webhook = Webhook(args.secret)
    lock = threading.Lock()
    refused = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            headers = {name.lower(): value for name, value in self.headers.items()}
            with lock:
                refuse = refused[0] < args.fail
                if refuse:
                    refused[0] += 1
            try:
                webhook.verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
            entry = {"id": headers.get("webhook-id"), "verified": verified, "refused": refuse,
                     "type": json.loads(body).get("type") if verified else None, "body": body, "at": time.time()}
            if args.delay and not refuse:
                time.sleep(args.delay)
            with lock, open(args.out, "a") as handle:
                handle.write(json.dumps(entry) + "\n")
            self.send_response(503 if refuse else (204 if verified else 400))
            self.end_headers()

        def log_message(self, *arguments):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
