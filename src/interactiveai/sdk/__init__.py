"""Private implementation of the InteractiveAI SDK; the public API is the `interactiveai` package."""

from interactiveai.version import __version__ as SDK_VERSION

__all__ = ["SDK_VERSION"]
