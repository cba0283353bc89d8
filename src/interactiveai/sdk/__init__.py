"""Private implementation of the InteractiveAI SDK; the public API is the `interactiveai` package."""

SDK_VERSION = "0.1.0"  # keep in step with pyproject.toml
