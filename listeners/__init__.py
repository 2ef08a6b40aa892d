"""Ways reports come in: the SMTP/LMTP abuse mailbox and (later) the Kafka topic."""
