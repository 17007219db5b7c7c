"""Reads shared by actions, REST views, sockets and pages: presence, rooms, conversations,
events, moderation records, the people of a room, and transcripts. Nothing here writes."""
