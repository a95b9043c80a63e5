#!/usr/bin/env python3
"""`import.git` over SSH: Debian's sshd on loopback (its own config, host
key and authorized keys, in a temporary directory) serves a repository;
one import authenticates with a key file protected by a passphrase, one
with the key inline; both modules run, a new commit reaches both, and
neither the passphrase nor the key shows in the API.

Usage: git_ssh.py PATH/TO/flow
"""

import getpass
import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import free_port, passed, scratch, wait  # noqa: E402

PASSPHRASE = "ssh-e2e-passphrase"
LIB = 'declare "add" {\n  argument "a" { }\n  export "sum" { value = argument.a.value + %d }\n}\n'


def run(*args, cwd=None):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)




def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.read().decode()


def sshd(work):
    """Starts sshd on a free loopback port; the port and the process."""
    port = free_port()
    os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{work}/host_key")
    with open(f"{work}/sshd_config", "w") as f:
        f.write(f"""ListenAddress 127.0.0.1
Port {port}
HostKey {work}/host_key
AuthorizedKeysFile {work}/authorized_keys
PidFile {work}/sshd.pid
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
""")
    process = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", f"{work}/sshd_config"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/sshd.log", "w"))
    return port, process


def main():
    flow = os.path.abspath(sys.argv[1])
    work = scratch("flow-git-ssh-")
    user = getpass.getuser()
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", f"{work}/locked")
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{work}/open")
    with open(f"{work}/authorized_keys", "w") as f:
        for name in ["locked", "open"]:
            f.write(open(f"{work}/{name}.pub").read())
    port, daemon = sshd(work)
    repo = f"{work}/repo"
    os.makedirs(repo)
    run("git", "init", "-q", "-b", "main", cwd=repo)

    def commit(step):
        with open(f"{repo}/math.river", "w") as f:
            f.write(LIB % step)
        run("git", "add", ".", cwd=repo)
        run("git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "x",
            cwd=repo)

    commit(1)
    inline = open(f"{work}/open").read().strip()
    url = f"ssh://{user}@127.0.0.1:{port}{repo}"
    config = f"{work}/config.river"
    with open(config, "w") as f:
        f.write(f"""import.git "locked" {{
  repository     = "{url}"
  path           = "math.river"
  pull_frequency = "300ms"

  ssh_key {{
    username   = "{user}"
    key_file   = "{work}/locked"
    passphrase = "{PASSPHRASE}"
  }}
}}

import.git "inline" {{
  repository     = "{url}"
  path           = "math.river"
  pull_frequency = "300ms"

  ssh_key {{
    username = "{user}"
    key      = {json.dumps(inline)}
  }}
}}

locked.add "x" {{ a = 1 }}
inline.add "y" {{ a = 2 }}
""")
    api = free_port()
    # Its own HOME: the host key is accepted into a known_hosts of the test's.
    env = dict(os.environ, HOME=work)
    process = subprocess.Popen(
        [flow, "run", config, f"--server.http.listen-addr=127.0.0.1:{api}", f"--storage.path={work}/data"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/flow.log", "w"))
    try:
        def sums():
            x = json.loads(get(api, "/api/v0/web/components/locked.add.x"))["exports"]["sum"]
            y = json.loads(get(api, "/api/v0/web/components/inline.add.y"))["exports"]["sum"]
            return (x, y)
        wait("both modules over SSH", lambda: sums() == (2, 3))
        print("ok: import.git over SSH with a key file and passphrase, and with an inline key")
        commit(10)
        wait("the new commit over SSH", lambda: sums() == (11, 12))
        print("ok: a new commit reached both imports without a restart")
        answers = get(api, "/api/v0/web/components") + "".join(
            get(api, f"/api/v0/web/components/{c}") for c in ["import.git.locked", "import.git.inline"])
        key_body = inline.splitlines()[1]
        assert PASSPHRASE not in answers and key_body not in answers, "a credential shows in the API"
        log = open(f"{work}/flow.log").read()
        assert PASSPHRASE not in log and key_body not in log, "a credential shows in the log"
        print("ok: neither the passphrase nor the key shows in the API or the log")
    finally:
        process.terminate()
        process.wait(30)
        daemon.terminate()
    passed("git over ssh e2e: passed")


if __name__ == "__main__":
    main()
