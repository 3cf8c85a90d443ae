"""Shared testbench infrastructure: simulator runner, seeds, clock/reset, reporting."""
