"""Run one callable in several threads at once, for the PostgreSQL race tests."""

import threading

from django.db import close_old_connections, connection


def in_threads(n, target, *, timeout=120):
    """Start ``target(0)`` … ``target(n - 1)`` together (behind a barrier), each thread on its
    own database connection. Returns the values of the calls that returned, in thread order,
    and the exceptions of those that raised."""
    barrier = threading.Barrier(n)
    returned, errors = [None] * n, []
    ok = [False] * n

    def run(i):
        try:
            barrier.wait()
            returned[i] = target(i)
            ok[i] = True
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return [value for value, done in zip(returned, ok, strict=True) if done], errors
