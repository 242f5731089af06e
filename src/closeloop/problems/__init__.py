"""Problem management (问题管理): complaint bursts and network alarms become one problem."""
