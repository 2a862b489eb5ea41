#!/usr/bin/env python3
"""Parses a Prometheus text exposition (standard input) with the reference client's parser (prometheus_client)
and prints every sample as one JSON object: {"name{label="value",...}": value}, labels sorted. Exits 1, with
the parser's error, when the text is not valid exposition format. For the metrics tests.

  curl -s http://127.0.0.1:9153/metrics | parse_metrics.py
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    samples = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = ",".join(f'{key}="{value}"' for key, value in sorted(sample.labels.items()))
                key = f"{sample.name}{{{labels}}}" if labels else sample.name
                if key in samples:
                    raise ValueError(f"duplicate sample {key}")
                samples[key] = sample.value
    except Exception as error:  # the parser raises ValueError and others on malformed text
        print(f"not valid exposition format: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump(samples, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
