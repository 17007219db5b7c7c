"""Who is acting and what they may do: credentials and sessions (``identity``), passwords,
permissions (``authz``), rate limits, allowed origins and client addresses."""
