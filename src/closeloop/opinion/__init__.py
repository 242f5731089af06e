"""Public-opinion monitoring (舆情监测): watched social posts, their understanding, follow-up."""
