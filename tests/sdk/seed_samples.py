"""The two code samples of spec/seed-sessions.md, verbatim, to be run with exec().

They expect `interactiveai` (the module) and `llm` (the user's own model client) in scope.
"""

CONTEXT_MANAGER_SAMPLE = """
session_id = "ticket-2611"
user_id = "user-a"

# First turn: customer reports an issue
with interactiveai.start_as_current_observation(as_type="span", name="support-inquiry") as span:
    span.update_trace(
        session_id=session_id,
        user_id=user_id,
        input={"message": "My order #12345 hasn't arrived yet"},
        tags=["support", "shipping"]
    )
    # Process user request and generate response

# Second turn: customer provides additional details
with interactiveai.start_as_current_observation(as_type="span", name="support-followup") as span:
    span.update_trace(
        session_id=session_id,
        user_id=user_id,
        input={"message": "I ordered it two weeks ago and the tracking still shows pending"}
    )
    # Process user request and generate response

interactiveai.flush()
"""

DECORATOR_SAMPLE = """
from interactiveai import observe

session_id = "ticket-2611"
user_id = "user-a"

@observe()
def handle_support_turn(message):
    interactiveai.update_current_trace(
        session_id=session_id,
        user_id=user_id,
        tags=["support", "shipping"]
    )
    response = generate_support_response(message)
    return response

@observe(as_type="generation")
def generate_support_response(message):
    return llm.generate(message)

# First turn
handle_support_turn("My order #12345 hasn't arrived yet")

# Second turn
handle_support_turn("I ordered it two weeks ago and the tracking still shows pending")

interactiveai.flush()
"""


class StandInLLM:
    """The user's own model client in the seed: generate() returns a string."""

    def generate(self, message: str) -> str:
        """A canned support answer."""
        return f"Thanks for reaching out about: {message}"


def run_seed_samples() -> None:
    """Run both samples, in order, as a user's script would."""
    import interactiveai

    namespace = {"interactiveai": interactiveai, "llm": StandInLLM()}
    exec(CONTEXT_MANAGER_SAMPLE, namespace)
    exec(DECORATOR_SAMPLE, namespace)
