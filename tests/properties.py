"""How many examples a property test draws.

The everyday profile ("fast") keeps the fast loop under a minute; `HYPOTHESIS_PROFILE=thorough`
is for a long hunt. A test that sets its own budget (`max_examples=budget(300)`) gets it fifty
times over in that hunt too: a plain number there would pin it in every profile
(tests/unit/test_property_budgets.py keeps it so).
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fast")
EVERYDAY_EXAMPLES = 200
THOROUGH_FACTOR = 50


def budget(examples: int) -> int:
    """A test's own number of examples, scaled by the profile in use."""
    return examples * THOROUGH_FACTOR if PROFILE == "thorough" else examples
