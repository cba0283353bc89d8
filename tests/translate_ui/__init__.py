"""Translation through the server: the API route and the session page's translation mode."""
