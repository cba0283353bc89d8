"""Private implementation of the InteractiveAI SDK; the public API is the `interactiveai` package."""
