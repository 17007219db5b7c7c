"""The realtime layer: Socket.IO handlers for both protocols (adapters that parse, authorise,
call one action and shape the acknowledgement), the one emitter (``broadcast``) and what this
process remembers about its sockets (``socket_state``)."""
