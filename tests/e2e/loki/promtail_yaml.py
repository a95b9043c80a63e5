#!/usr/bin/env python3
"""The reference's Promtail converter examples under
`flow run --config.format=promtail`: those this build runs start as they
are and keep running; the others are refused for the reason docs/run.md
gives.

Each example (tests/data/convert/promtail/NAME.yaml) runs for 3 seconds
in a mount and network namespace of its own: /etc/resolv.conf names a
loopback address where nothing answers and only a loopback interface
exists, so no lookup or connection leaves the machine, and the examples'
fixed ports (push_api listens on 9094 and 9095) cannot clash with
anything. A runnable example must still be running after 3 seconds; a
refused one must end with an error naming what docs/run.md says it lacks.
When a component is added, move its examples to RUNNABLE_PROMTAIL and
update docs/run.md.

Usage: promtail_yaml.py FLOW_BINARY   (needs root, util-linux unshare and
iproute2's ip; journalctl for journal_relabel)
"""

import os
import subprocess
import sys
import tempfile

FLOW = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "data", "convert", "promtail")

# The converter examples that run as they are (docs/run.md).
RUNNABLE_PROMTAIL = ["dockerswarm", "globalpositions", "journal_relabel", "push_api",
                     "serverset"]

# The others, each with what `flow run` says when it refuses it.
REFUSED = {
    "azure_event_hubs": "component `loki.source.azure_event_hubs` is not implemented",
    "cloudflare_relabel": "component `loki.source.cloudflare` is not implemented",
    "consulagent": "component `discovery.consulagent` is not implemented",
    "gce": "component `discovery.gce` is not implemented",
    "heroku": "component `loki.source.heroku` is not implemented",
    "mixed_pipeline": "component `loki.source.docker` is not implemented",
    "nerve": "component `discovery.nerve` is not implemented",
    "openstack": "component `discovery.openstack` is not implemented",
    # Files on the example author's machine.
    "pipeline_stages_cri_empty": "cannot read /home/toby/.kube/config",
    "pipeline_stages_structured_metadata": "cannot read /home/toby/.kube/config",
    "remote_write_bearer_file": "cannot read /home/robin/.cert",
    "remote_write_oauth": "cannot read /home/robin/.cert",
    "remote_write_oauth2": "cannot read /home/robin/.cert",
    "syslog": "cannot read /etc/promtail/certs/promtail.crt",
    # `hand: thumbs-up`: an unquoted `thumbs-up` is not a JMESPath expression.
    "pipeline_stages_part1": "could not compile JMESPath expression for \"hand\"",
    "source_pipeline_example": "could not compile JMESPath expression for \"hand\"",
    # Not converted, by design of the examples (their findings say why).
    "bad_config": "the config did not convert",
    "pipeline_stages_drop": "the config did not convert",
    "push_api_unsupported": "the config did not convert",
    "unsupported": "the config did not convert",
}

# Inside the namespaces: the loopback interface up, the empty resolver
# mounted, then flow run.
INSIDE = 'ip link set lo up && mount --bind "$0" /etc/resolv.conf && exec "$@"'


def start(name, tmp):
    resolv = os.path.join(tmp, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.8.54\n")
    return subprocess.Popen(
        ["unshare", "--mount", "--net", "--", "sh", "-c", INSIDE, resolv,
         FLOW, "run", "--config.format=promtail",
         "--server.http.listen-addr", "127.0.0.1:12345",
         "--storage.path", os.path.join(tmp, "data"), os.path.join(EXAMPLES, f"{name}.yaml")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def main():
    listed = sorted(RUNNABLE_PROMTAIL + list(REFUSED))
    present = sorted(f[:-len(".yaml")] for f in os.listdir(EXAMPLES) if f.endswith(".yaml"))
    if listed != present:
        raise SystemExit(f"FAIL: examples not listed here: {sorted(set(present) - set(listed))}; "
                         f"listed but missing: {sorted(set(listed) - set(present))}")
    for name in RUNNABLE_PROMTAIL:
        with tempfile.TemporaryDirectory() as tmp:
            flow = start(name, tmp)
            try:
                flow.wait(3)
                raise SystemExit(f"FAIL: the {name} example did not run:\n{flow.stderr.read()}")
            except subprocess.TimeoutExpired:
                flow.terminate()
                flow.wait(15)
    print(f"ok: the Promtail converter examples {', '.join(RUNNABLE_PROMTAIL)} run as they are")
    for name, why in REFUSED.items():
        with tempfile.TemporaryDirectory() as tmp:
            flow = start(name, tmp)
            try:
                _, err = flow.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                flow.terminate()
                flow.wait(15)
                raise SystemExit(f"FAIL: the {name} example runs: move it to RUNNABLE_PROMTAIL "
                                 f"and update docs/run.md")
            if flow.returncode == 0 or why not in err:
                raise SystemExit(f"FAIL: the {name} example ended with {flow.returncode}, "
                                 f"not for {why!r}:\n{err}")
    print(f"ok: the other {len(REFUSED)} are refused for the reasons docs/run.md gives")


if __name__ == "__main__":
    main()
