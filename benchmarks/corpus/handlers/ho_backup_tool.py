"""Backup tool: the database name is formatted into a shell command."""

import subprocess


class Backup:
    @staticmethod
    def dump(database):
        cmd = "pg_dump %s > /tmp/backup.sql" % database  # noqa: UP031
        return subprocess.Popen(cmd, shell=True)


def handler(event, context):
    Backup.dump(event.get("database", "app"))
    return {"ok": True}
