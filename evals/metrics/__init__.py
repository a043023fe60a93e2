"""One metric per module; each is a pure function returning a typed ``Score``."""
