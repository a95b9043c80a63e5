#!/usr/bin/env python3
"""End-to-end test of `discovery.docker` against Debian's Docker daemon.

The test starts its own dockerd on a private socket, in a network
namespace of its own (so the bridges it makes for a network never touch
the host's, and every address it hands out stays inside), with
`--iptables=false --storage-driver=vfs`. It imports a one-file image (the
static busybox) and runs containers that only sleep: one with no network
and labels, one on an internal network with a label, one on a network
with a published port, one in host networking. `flow run` discovers them
over the socket; the test checks each target's `__meta_docker_*` labels
against what the daemon reports, a `filter` block, a container that stops
leaving the targets, and a daemon that stops keeping the last targets
with the component unhealthy.

Usage: docker.py FLOW_BINARY   (needs root, docker.io, busybox-static and
util-linux unshare)
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
IMAGE = "flowtest/busybox:1"

CONFIG = """
discovery.docker "all" {{
	host             = "unix://{socket}"
	refresh_interval = "1s"
}}

discovery.docker "web" {{
	host             = "unix://{socket}"
	refresh_interval = "1s"
	filter {{
		name   = "label"
		values = ["app=web"]
	}}
}}
"""


def start_daemon(tmp):
    """dockerd in network and mount namespaces of its own (its mounts end
    with it), on tmp/docker.sock."""
    socket = os.path.join(tmp, "docker.sock")
    script = 'ip link set lo up && exec "$@"'
    daemon = subprocess.Popen(
        ["unshare", "--net", "--mount", "--", "sh", "-c", script, "sh", "dockerd",
         "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
         f"--host=unix://{socket}", f"--data-root={tmp}/root", f"--exec-root={tmp}/exec",
         f"--pidfile={tmp}/docker.pid"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "dockerd.log"), "w"))
    os.environ["DOCKER_HOST"] = f"unix://{socket}"
    wait("dockerd answers", lambda: docker("version", check=False).returncode == 0, limit=60)
    return daemon, socket


def docker(*args, check=True):
    result = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"FAIL: docker {' '.join(args)}: {result.stderr.strip()}")
    return result


def image(tmp):
    """An image holding only the static busybox, and sleep through it."""
    root = os.path.join(tmp, "rootfs", "bin")
    os.makedirs(root)
    busybox = shutil.which("busybox") or "/bin/busybox"
    shutil.copy(busybox, os.path.join(root, "busybox"))
    os.symlink("busybox", os.path.join(root, "sleep"))
    tar = subprocess.run(["tar", "-C", os.path.dirname(root), "-c", "."], capture_output=True,
                         check=True).stdout
    subprocess.run(["docker", "import", "-", IMAGE], input=tar, capture_output=True, check=True)


def run(name, *options):
    return docker("run", "-d", "--name", name, *options, IMAGE, "/bin/sleep", "600").stdout.strip()


def inspect(kind, name, template):
    return docker(kind, "inspect", "-f", template, name).stdout.strip()


def component(api, name):
    url = f"http://127.0.0.1:{api}/api/v0/web/components/discovery.docker.{name}"
    try:
        return json.load(urllib.request.urlopen(url, timeout=2))
    except OSError:
        return None


def targets(info):
    return sorted((t for t in info["exports"].get("targets", [])), key=lambda t: t["__address__"])


def network_labels(name):
    net = json.loads(docker("network", "inspect", name).stdout)[0]
    labels = {
        "__meta_docker_network_id": net["Id"], "__meta_docker_network_name": net["Name"],
        "__meta_docker_network_scope": net["Scope"],
        "__meta_docker_network_internal": str(net["Internal"]).lower(),
        "__meta_docker_network_ingress": str(net["Ingress"]).lower(),
    }
    for key, value in (net.get("Labels") or {}).items():
        labels["__meta_docker_network_label_" + key.replace(".", "_").replace("/", "_")] = value
    return labels


def containers():
    """The containers and the targets the reference makes of them."""
    docker("network", "create", "--internal", "--label", "tier=back", "backnet")
    docker("network", "create", "--label", "tier=front", "frontnet")
    web = run("web", "--network", "none", "--label", "app=web", "--label", "com.example/team=sre")
    inside = run("inside", "--network", "backnet")
    published = run("published", "--network", "frontnet", "-p", "127.0.0.1:18080:8080",
                    "--expose", "9100")
    host = run("hosty", "--network", "host")

    def common(cid, name, mode):
        return {"__meta_docker_container_id": cid, "__meta_docker_container_name": f"/{name}",
                "__meta_docker_container_network_mode": mode}

    ip = inspect("container", "inside", "{{.NetworkSettings.Networks.backnet.IPAddress}}")
    pub_ip = inspect("container", "published", "{{.NetworkSettings.Networks.frontnet.IPAddress}}")
    front = {**common(published, "published", "frontnet"), **network_labels("frontnet"),
             "__meta_docker_network_ip": pub_ip}
    expected = [
        {**common(web, "web", "none"), **network_labels("none"), "__address__": ":80",
         "__meta_docker_container_label_app": "web",
         "__meta_docker_container_label_com_example_team": "sre"},
        {**common(inside, "inside", "backnet"), **network_labels("backnet"),
         "__address__": f"{ip}:80", "__meta_docker_network_ip": ip},
        {**front, "__address__": f"{pub_ip}:8080", "__meta_docker_port_private": "8080",
         "__meta_docker_port_public": "18080", "__meta_docker_port_public_ip": "127.0.0.1"},
        {**front, "__address__": f"{pub_ip}:9100", "__meta_docker_port_private": "9100"},
        {**common(host, "hosty", "host"), **network_labels("host"), "__address__": "localhost"},
    ]
    return sorted(expected, key=lambda t: t["__address__"])


def check(api, expected):
    wait("discovery.docker.all finds the five targets",
         lambda: (component(api, "all") or {}).get("exports", {}).get("targets"), limit=30)
    wait("all targets", lambda: len(targets(component(api, "all"))) == len(expected), limit=30)
    found = targets(component(api, "all"))
    if found != expected:
        raise SystemExit(f"FAIL: targets\n got      {json.dumps(found, indent=1)}\n"
                         f" expected {json.dumps(expected, indent=1)}")
    # The filtered component refreshes on its own schedule: wait for its
    # first targets too (under load it may not have them yet).
    web = wait("discovery.docker.web finds its target", lambda: targets(component(api, "web")), limit=30)
    if [t["__meta_docker_container_name"] for t in web] != ["/web"]:
        raise SystemExit(f"FAIL: the label filter kept {web}")
    print("ok: containers on no network, an internal network, a published port and the host "
          "network discovered with the reference's labels; the label filter keeps one")


def changes(api, daemon, tmp):
    docker("rm", "-f", "inside")
    wait("a removed container leaves the targets",
         lambda: all(t.get("__meta_docker_container_name") != "/inside"
                     for t in targets(component(api, "all"))), limit=15)
    kept = targets(component(api, "all"))
    # A daemon that stops answering (stopping it would stop the
    # containers first): requests time out after the refresh interval.
    daemon.send_signal(signal.SIGSTOP)
    try:
        wait("the component turns unhealthy when the daemon does not answer",
             lambda: component(api, "all")["health"]["state"] == "unhealthy", limit=15)
        if targets(component(api, "all")) != kept:
            raise SystemExit("FAIL: the last targets were not kept while the daemon was silent")
    finally:
        daemon.send_signal(signal.SIGCONT)
    wait("healthy again once the daemon answers",
         lambda: component(api, "all")["health"]["state"] == "healthy", limit=15)
    print("ok: a removed container leaves; the last targets are kept while the daemon is silent")


def main():
    with tempfile.TemporaryDirectory(prefix="flow-docker-") as tmp:
        daemon, socket = start_daemon(tmp)
        flow = None
        try:
            image(tmp)
            expected = containers()
            config = os.path.join(tmp, "config.river")
            with open(config, "w") as f:
                f.write(CONFIG.format(socket=socket))
            api = free_port()
            flow = subprocess.Popen(
                [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{api}",
                 "--storage.path", os.path.join(tmp, "data"), config],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            check(api, expected)
            changes(api, daemon, tmp)
        finally:
            if flow:
                flow.kill()
            if daemon.poll() is None:
                subprocess.run(["docker", "rm", "-f", "web", "inside", "published", "hosty"],
                               capture_output=True)
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(timeout=30)
            # The daemon's vfs layers are read-only directories.
            subprocess.run(["rm", "-rf", os.path.join(tmp, "root")], check=False)


if __name__ == "__main__":
    main()
