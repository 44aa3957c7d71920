"""Local stand-ins for remote services the tests cannot reach (they speak the
real wire protocol, so the real client libraries run against them)."""
