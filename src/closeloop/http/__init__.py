"""HTTP plumbing shared by the API and the console: dependencies, errors, middleware."""
