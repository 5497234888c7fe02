#!/usr/bin/env python3
"""load_test.py ECHO_SERVER [CONNECTIONS] [BACKLOG] — 2,000 concurrent
connections to echo_server, all served. A Python asyncio client (no Twisted)
opens every connection first and holds them all open; only then does each send
a short unique message, read it back and check it, and close. Prints how long
connecting, echoing and the whole run took. The server listens on port 0 of
127.0.0.1 (--print-port), is stopped with SIGTERM by its pid (killed if need
be) and must exit 0. The run is bounded: 60 s, then it fails."""
import asyncio
import resource
import sys
import time

import server_process
from server_process import ServerProcess

server_bin = sys.argv[1]
connections = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
backlog = int(sys.argv[3]) if len(sys.argv) > 3 else 50  # twist's (and Twisted's) default

# One descriptor per connection here, one in the server (which inherits this limit).
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
need = connections + 100
if soft < need:
    if hard != resource.RLIM_INFINITY and hard < need:
        print("load_test: SKIP: the open-file limit (%d) is below %d" % (hard, need))
        sys.exit(77)
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))

endpoint = "tcp:0:interface=127.0.0.1" + ("" if backlog == 50 else ":backlog=%d" % backlog)


def fail(why):
    server_process.fail("load_test", why)


async def run(port):
    all_connected = asyncio.Event()
    connected = 0
    times = {}

    async def client(i):
        nonlocal connected
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        connected += 1
        if connected == connections:
            times["connected"] = time.monotonic()
            all_connected.set()
        await all_connected.wait()  # every connection is open at this point
        message = b"client %d says hello\n" % i
        writer.write(message)
        await writer.drain()
        echoed = await reader.readexactly(len(message))
        if echoed != message:
            raise AssertionError("client %d got %r back" % (i, echoed))
        writer.close()
        await writer.wait_closed()

    start = time.monotonic()
    results = await asyncio.gather(*(client(i) for i in range(connections)), return_exceptions=True)
    end = time.monotonic()
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        fail("%d of %d connections failed; first: %r" % (len(errors), connections, errors[0]))
    print("load_test: %d concurrent connections served: connecting %.2f s, echoing %.2f s, total %.2f s"
          % (connections, times["connected"] - start, end - times["connected"], end - start))


server = ServerProcess("load_test", server_bin, endpoint, stop_timeout=10)
try:
    try:
        asyncio.run(asyncio.wait_for(run(server.port), timeout=60))
    except asyncio.TimeoutError:
        fail("not every connection was served within 60 s")
finally:
    server.stop_and_check()
print("load_test: ok")
