"""A private OpenLDAP server (Debian's slapd) on a free loopback port, configured and filled by the test."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server.embedded import free_port

SUFFIX = "dc=stadt,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-root-password"
SERVICE_DN = f"cn=aufruf,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-account-password-42"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args

database mdb
suffix "{suffix}"
rootdn "{root}"
rootpw {password}
directory {folder}/data
overlay memberof
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


@dataclass(frozen=True)
class DirectoryUser:
    """A person in the directory and the groups (common names) they belong to."""

    uid: str
    password: str
    name: str
    groups: tuple[str, ...]


def group_dn(name: str) -> str:
    """The DN of a group in the test directory."""
    return f"cn={name},ou=groups,{SUFFIX}"


def user_dn(uid: str) -> str:
    """The DN of a person in the test directory."""
    return f"uid={uid},ou=people,{SUFFIX}"


def _ldif(users: list[DirectoryUser]) -> str:
    entries = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: stadt\no: Stadt\n",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: {SERVICE_DN}\nobjectClass: person\ncn: aufruf\nsn: service\nuserPassword: {SERVICE_PASSWORD}\n",
    ]
    for user in users:
        entries.append(
            f"dn: {user_dn(user.uid)}\nobjectClass: inetOrgPerson\nuid: {user.uid}\ncn: {user.name}\n"
            f"sn: {user.name.split()[-1]}\ndisplayName: {user.name}\nuserPassword: {user.password}\n"
        )
    for group in sorted({g for user in users for g in user.groups}):
        members = "".join(f"member: {user_dn(u.uid)}\n" for u in users if group in u.groups)
        entries.append(f"dn: {group_dn(group)}\nobjectClass: groupOfNames\ncn: {group}\n{members}")
    return "\n".join(entries)


def _start(binary: str, config: Path, url: str) -> tuple[subprocess.Popen[bytes] | None, str]:
    """Start slapd on `url`; the process once it listens, or None and its last log lines."""
    # -d keeps it in the foreground (a child the test owns) and logs "slapd starting" once it listens.
    process = subprocess.Popen(
        [binary, "-f", str(config), "-h", url + "/", "-d", "256"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    assert process.stderr is not None
    seen: list[bytes] = []
    for line in process.stderr:
        seen.append(line)
        if b"slapd starting" in line:
            return process, ""
    process.wait(timeout=30)
    return None, b"".join(seen[-20:]).decode(errors="replace")


@contextmanager
def run_slapd(folder: Path, users: list[DirectoryUser]) -> Iterator[str]:
    """Start slapd in `folder` on a free port, load the users and groups, yield its ldap:// URL."""
    binary = shutil.which("slapd") or "/usr/sbin/slapd"
    (folder / "data").mkdir(parents=True)
    config = folder / "slapd.conf"
    config.write_text(CONFIG.format(folder=folder, suffix=SUFFIX, root=ROOT_DN, password=ROOT_PASSWORD))
    # A free port can be taken by another test's server before slapd binds it: then try another one.
    for _attempt in range(3):
        url = f"ldap://127.0.0.1:{free_port()}"
        process, log = _start(binary, config, url)
        if process is not None:
            break
    else:
        raise RuntimeError("slapd did not start: " + log)
    assert process is not None and process.stderr is not None
    threading.Thread(target=process.stderr.read, daemon=True).start()
    try:
        subprocess.run(
            ["ldapadd", "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=_ldif(users).encode(), check=True, capture_output=True,
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
