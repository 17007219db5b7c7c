"""What an operator sees of a running server.

Leaves, importable from anywhere (they import nothing above ``extensions``): ``log_format``
(how a line looks), ``logs`` (request ids, access log, refusals, the start-up line),
``metrics`` (the metrics and their one-line hooks), ``multiproc`` (prometheus-client's files).
Wired by the factory and the entry point through ``serving``, which may import anything:
``sampling`` (gauges, flushing) and ``metrics_http`` (``/metrics``).
"""
