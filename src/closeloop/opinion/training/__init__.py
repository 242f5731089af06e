"""Training data the project writes itself (训练语料): generated and hand-written posts."""
