"""Credit and arrears (信用与欠费): grades, the arrears ladder (堵、催、引、追、诉), restoration."""
