"""Customer value and retention (客户价值与保有): segments, RFM, CLV, lifecycle, churn."""
