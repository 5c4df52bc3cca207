"""A whole simulated office day driven through the real server's public API on a virtual clock."""
