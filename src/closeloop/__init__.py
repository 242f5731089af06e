"""CloseLoop — customer-service operations platform for telecom operators (客户服务运营平台)."""

__version__ = "0.1.0"
