"""InteractiveAI: LLM observability, traces grouped into sessions."""
