"""The cyclic garbage collector's settings for a serving process.

Every connection keeps a few hundred Python objects for its life (its sockets, greenlet,
environ, handler, sessions...). CPython runs a full collection, which visits every tracked
object, each time the objects that survived the younger generations grow by a quarter; with
the default thresholds (700, 10, 10) a storm of 3,000 connects ran ten of them and spent
1.43 s in the collector, 0.48 ms per connect (a gc callback in the server, measured). Here:

- :func:`gc.freeze` once the app is loaded: the ~150,000 objects of the code and the app
  (modules, functions, SQLAlchemy's metadata) live as long as the process; no collection
  needs to visit them again;
- a young generation of 5,000 allocations instead of 700 and a middle one of 20 collections:
  the same storm ran one full collection and 0.48 s in the collector in all, and a young
  collection still takes about a millisecond (50,000 made them 38 ms each: a pause every
  client would feel).

Garbage without cycles is freed by reference counting as before; cycles wait a little longer.
"""
from __future__ import annotations

import gc

THRESHOLDS = (5000, 20, 10)


def tune_collector() -> None:
    """For the serving process, once the app and its background jobs are set up."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
