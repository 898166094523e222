#!/usr/bin/env python3
"""A scripted three-member replica set for PoolSQL's topology-monitoring tests.

Starts three MockupDB servers (PyPI `mockupdb`) on free loopback ports that answer
hello/isMaster like the members of replica set "rs0": member 0 starts as primary, the
others as secondaries, every member lists all three hosts. Every other command gets
{ok: 1}, so any number of connections and heartbeats work.

When ready it prints one JSON line on stdout:
    {"ports": [p0, p1, p2], "primary": 0, "setName": "rs0"}
then reads control commands from stdin, one per line, and answers each with one JSON line:
    stepdown   the primary becomes a secondary and the next live member becomes primary
    kill N     member N stops listening and drops its connections
    revive N   member N listens again on its old port (as a secondary)
    state      just report the current state
    observed   report what clients sent: {"commands": {name: count}, "appNames": [...]}
               (commands other than hello/isMaster, and the handshake application names)
    quit       stop everything and exit (EOF on stdin does the same)

No topologyVersion is sent, so drivers poll (one hello per heartbeatFrequencyMS) instead of
using awaitable hello, which a canned responder could not hold open.
"""

import json
import os
import sys
import threading

from bson import ObjectId
from mockupdb import MockupDB

SET_NAME = "rs0"
MEMBERS = 3


class ReplicaSet:
    def __init__(self):
        self.lock = threading.Lock()
        self.servers = [None] * MEMBERS
        self.ports = [0] * MEMBERS
        self.alive = [False] * MEMBERS
        self.primary = 0
        self.connection_ids = 0
        # Bumped on every election, as a real replica set's term is.
        self.election = 1
        self.commands = {}
        self.app_names = set()

    def host(self, index):
        return "127.0.0.1:%d" % self.ports[index]

    def hello_reply(self, index):
        with self.lock:
            self.connection_ids += 1
            is_primary = index == self.primary
            reply = {
                "ok": 1,
                "helloOk": True,
                "isWritablePrimary": is_primary,
                "ismaster": is_primary,
                "secondary": not is_primary,
                "setName": SET_NAME,
                "setVersion": 1,
                "hosts": [self.host(i) for i in range(MEMBERS)],
                "me": self.host(index),
                "minWireVersion": 0,
                "maxWireVersion": 17,
                "maxBsonObjectSize": 16 * 1024 * 1024,
                "maxMessageSizeBytes": 48000000,
                "maxWriteBatchSize": 100000,
                "logicalSessionTimeoutMinutes": 30,
                "connectionId": self.connection_ids,
            }
            if self.alive[self.primary]:
                reply["primary"] = self.host(self.primary)
            if is_primary:
                reply["electionId"] = ObjectId("%024x" % self.election)
            return reply

    def handler(self, index):
        def respond(request):
            name = request.command_name or ""
            if name.lower() in ("hello", "ismaster"):
                client = (request.doc or {}).get("client") or {}
                app_name = (client.get("application") or {}).get("name")
                if app_name is not None:
                    with self.lock:
                        self.app_names.add(app_name)
                return request.ok(self.hello_reply(index))
            with self.lock:
                self.commands[name] = self.commands.get(name, 0) + 1
            return request.ok()
        return respond

    def observed(self):
        with self.lock:
            return {"commands": dict(self.commands), "appNames": sorted(self.app_names)}

    def start_member(self, index, port=None):
        server = MockupDB(port=port, request_timeout=5)
        server.autoresponds(self.handler(index))
        bound = server.run()
        with self.lock:
            self.servers[index] = server
            self.ports[index] = bound
            self.alive[index] = True

    def start(self):
        for index in range(MEMBERS):
            self.start_member(index)

    def stepdown(self):
        with self.lock:
            candidates = [(self.primary + step) % MEMBERS for step in range(1, MEMBERS)]
            live = [i for i in candidates if self.alive[i]]
            if not live:
                return "no live member to elect"
            self.primary = live[0]
            self.election += 1
        return None

    def kill(self, index):
        with self.lock:
            server = self.servers[index]
            self.alive[index] = False
            self.servers[index] = None
        if server is not None:
            server.stop()

    def revive(self, index):
        with self.lock:
            if self.alive[index]:
                return
            port = self.ports[index]
        self.start_member(index, port=port)

    def state(self):
        with self.lock:
            return {"ports": list(self.ports), "primary": self.primary,
                    "alive": list(self.alive), "setName": SET_NAME}


def reply(document):
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


def member_index(words):
    if len(words) != 2 or not words[1].isdigit() or int(words[1]) >= MEMBERS:
        return None
    return int(words[1])


def main():
    replica_set = ReplicaSet()
    replica_set.start()
    reply(replica_set.state())
    try:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            command = words[0]
            if command == "quit":
                break
            if command == "stepdown":
                error = replica_set.stepdown()
                reply({"error": error} if error else replica_set.state())
            elif command in ("kill", "revive"):
                index = member_index(words)
                if index is None:
                    reply({"error": "usage: %s N (0..%d)" % (command, MEMBERS - 1)})
                    continue
                if command == "kill":
                    replica_set.kill(index)
                else:
                    replica_set.revive(index)
                reply(replica_set.state())
            elif command == "state":
                reply(replica_set.state())
            elif command == "observed":
                reply(replica_set.observed())
            else:
                reply({"error": "unknown command %r" % command})
    finally:
        # MockupDB.stop() takes up to a second per member (its accept loop polls once a
        # second); on the way out the operating system closes every socket at once instead.
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
