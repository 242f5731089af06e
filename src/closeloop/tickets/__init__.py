"""Closed-loop work orders (工单): the 10000 pre-processing flow through stations."""
