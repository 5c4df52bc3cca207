"""The forecast's arithmetic, pure: service-time figures, the replay of the call rule, and the ranges."""
