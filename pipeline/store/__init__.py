"""The durable store: the database engine, versioned migrations and the intake store."""
