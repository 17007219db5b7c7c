"""Running as one of several processes: this process's registration and heartbeat, reaping
the sockets of dead peers, and the graceful shutdown."""
