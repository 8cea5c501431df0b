"""Indicator functions: pure, frames in, frames out, no I/O and no plotting."""
