"""Counter features beyond the contract's core: the silent alarm and the supervisors' channel."""
