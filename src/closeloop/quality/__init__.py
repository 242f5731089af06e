"""Service quality (服务质量): customer surveys (CSAT, NPS, SERVQUAL, loyalty) and quality
inspection (质检) of agents' work — rubrics, samples, reviews, disputes, calibration."""
