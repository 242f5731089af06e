"""TM Forum Open API façade: TMF621 trouble tickets, TMF629 customers, TMF681 messages."""
