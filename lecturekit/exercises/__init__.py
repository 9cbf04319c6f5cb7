"""Checks for the coding exercises at the end of every lecture.

A lecture's exercises ask the student to write the code the lecture is about; after each
one a check cell calls a ``check_...`` function from this subpackage with the student's
function. The check runs it on several cases (edge cases included) against lecturekit's
reference implementation, finite differences or PyTorch and either prints a short
confirmation or raises an exception whose message says what differs, in words a student
can act on. It never prints the solution.

Which lecture's exercises each module checks::

    01-perceptrons          perceptrons
    02-networks-loss-sgd    networks
    03-backpropagation      backprop
    04-convolution-kernels  convolution
    05-pooling-and-cnns     pooling
    06-mnist-training       training
    07-generalisation       generalisation

:mod:`lecturekit.exercises.feedback` holds what the checks share: the two verdicts
(:class:`~lecturekit.exercises.feedback.NotDoneYet` for an untouched stub,
:class:`~lecturekit.exercises.feedback.NotRightYet` for a wrong answer), calling the student's
code, catching an argument it changed in place, and comparing arrays with a diagnosis of the
usual slips (sign, transpose, factor, shape) and of the known slips a check replays. Both
verdicts are exceptions, so nbgrader and otter-grader count a failed check as failed, but
Jupyter shows their message alone, without a traceback that would hide it.
"""
