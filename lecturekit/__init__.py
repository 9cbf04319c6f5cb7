"""lecturekit: the helpers behind the neural-network lecture notebooks.

Import it under a short name, ``import lecturekit as lk``, and reach the teaching modules
as attributes (``lk.data``, ``lk.plotting``, ...). Submodules load on first use.

Which lecture uses which teaching module (from the notebooks' imports)::

    00-setup-check          data, setupcheck
    01-perceptrons          perceptron, plotting, quiz, toydata
    02-networks-loss-sgd    activations, diagrams, losses, models, perceptron, plotting, quiz,
                            sgd, shallow, toydata
    03-backpropagation      activations, backprop, models, plotting, quiz, softmax, toydata
    04-convolution-kernels  data, kernels, plotting, quiz
    05-pooling-and-cnns     cnn, data, history, kernels, models, plotting, quiz
    06-mnist-training       data, generative, kernels, models, plotting, quiz, training
    07-generalisation       data, generalisation, models, plotting, quiz

Every lecture from 01 on ends with coding exercises; their checks live in the subpackage
:mod:`lecturekit.exercises`, one module per lecture (``perceptrons``, ``networks``,
``backprop``, ``convolution``, ``pooling``, ``training``, ``generalisation``), and compare the
student's code with the teaching modules above.

Conventions every teaching module follows:

- the functions a slide prints (``inspect.getsource``) are the idea alone, with no argument
  checks; user data and settings are checked once at the entry points (constructors, ``fit``,
  ``evaluate``, ``predict``, figure helpers, data loading), with errors that name the argument;
- every training loop (``backprop.train`` and ``NumpyMLP.fit``, ``shallow.fit``,
  ``sgd.run_sgd``, ``training.fit``, ``generative.SoftmaxRegression.fit``,
  ``generalisation.fit``) takes ``lr`` and returns the
  loss of every update step, on that step's batch, measured before the step
  (``sgd.run_sgd`` and ``generalisation.fit`` return them as ``SGDRun.losses`` and
  ``History.losses``, beside their measurements);
- every figure helper returns the matplotlib ``Figure``; one that draws a single panel takes
  ``ax=None`` and makes a new figure when it gets none; figures live with their topic and
  ``plotting`` holds the slide style and the primitives several lectures share;
- ``models.parameter_count`` counts the weights and biases of any network: layer sizes, a
  ``backprop.NumpyMLP`` or a ``torch.nn.Module``.

The toolchain that writes, executes and publishes the notebooks and regenerates
``images/`` is the subpackage :mod:`lecturekit.toolchain`. Import rules (tests/test_package.py
checks them):

- teaching modules (``lecturekit/*.py``) and the notebooks never import
  ``lecturekit.toolchain``, not even inside a function;
- ``import lecturekit`` imports neither torch nor matplotlib nor numpy;
- the toolchain may import teaching modules (its figures draw with them).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

# The teaching modules, loaded on first use; the toolchain is imported by name only
# (``import lecturekit.toolchain.build``), never reached as ``lk.toolchain``.
_SUBMODULES = (
    "activations",
    "backprop",
    "cnn",
    "data",
    "diagrams",
    "exercises",
    "generalisation",
    "generative",
    "history",
    "kernels",
    "losses",
    "models",
    "perceptron",
    "plotting",
    "quiz",
    "setupcheck",
    "sgd",
    "shallow",
    "softmax",
    "toydata",
    "training",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'lecturekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
