"""Reports made after the fact: an event's summary figures and its plot."""
