"""The write path. Each ``do_*`` validates, writes, commits and only then broadcasts.

Socket handlers, REST views, CLI commands and background jobs all call these; none of them
writes through the ORM or emits on its own.
"""
