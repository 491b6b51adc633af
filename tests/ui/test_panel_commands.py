"""Each panel's controller offers its command protocol, method by method, with the same parameters.

``isinstance(panel, WriteCommands)`` (checked on built panels in ``test_main_window.py``) only
asks whether the names exist. A lesson calls ``set_layer(padding=..., stride=...)`` by keyword, so
here every protocol method is compared with the panel's own: same parameter names, kinds and
order, and a property where the protocol has one. This reads the classes; no panel is built.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from desktop.ui.constants import PANELS
from desktop.ui.panel_commands import PANEL_COMMANDS

CONTROLLERS = {
    "Write": "desktop.ui.write.panel:WritePanel",
    "Camera": "desktop.ui.camera.panel:CameraPanel",
    "Teach": "desktop.ui.teach.panel:TeachPanel",
    "Kernels": "desktop.ui.kernels.panel:KernelsPanel",
    "Results": "desktop.ui.results.panel:ResultsPanel",
}


def controller(name: str) -> type:
    module, _, cls = CONTROLLERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def protocol_members(protocol: type) -> dict[str, object]:
    return {name: value for name, value in vars(protocol).items()
            if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))}


def parameters(function) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in list(inspect.signature(function).parameters.values())[1:]]


def mismatches(protocol: type, cls: type) -> list[str]:
    problems = []
    for name, wanted in protocol_members(protocol).items():
        found = inspect.getattr_static(cls, name, None)
        if found is None:
            problems.append(f"{cls.__name__} has no {name}")
        elif isinstance(wanted, property):
            if not isinstance(found, property):
                problems.append(f"{cls.__name__}.{name} should be a property")
        elif not callable(found):
            problems.append(f"{cls.__name__}.{name} is not a method")
        elif parameters(found) != parameters(wanted):
            problems.append(f"{cls.__name__}.{name}{inspect.signature(found)} differs from the protocol's "
                            f"{name}{inspect.signature(wanted)}")
    return problems


def test_every_panel_has_a_protocol_and_a_controller() -> None:
    assert set(PANEL_COMMANDS) == set(PANELS) == set(CONTROLLERS)


@pytest.mark.parametrize("name", PANELS)
def test_the_controller_offers_its_commands_with_the_protocols_parameters(name: str) -> None:
    assert protocol_members(PANEL_COMMANDS[name])  # the check below compares something
    assert mismatches(PANEL_COMMANDS[name], controller(name)) == []


def test_the_comparison_catches_a_renamed_parameter_and_a_missing_property() -> None:
    class Commands:
        def set_layer(self, *, padding: str, stride: int) -> None: ...

        @property
        def models(self) -> list: ...

    class Panel:
        def set_layer(self, *, padding: str, step: int) -> None: ...

        def models(self) -> list: ...

    problems = mismatches(Commands, Panel)
    assert len(problems) == 2 and "set_layer" in problems[0] and "models should be a property" in problems[1]
