"""Settings refused at load: the one-line configuration error every function's init raises."""

from __future__ import annotations

import pytest
from orgair.errors import ConfigurationError
from orgair.settings import load_settings


def refused_settings(**overrides: str) -> str:
    """Load the settings (the environment plus `overrides`), expecting them refused: the message,
    asserted to be one line that starts `invalid configuration: `."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings(**overrides)
    message = str(caught.value)
    assert message.startswith("invalid configuration: ")
    assert "\n" not in message
    return message
