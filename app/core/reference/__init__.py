"""Reference cells: the lecture's equations written to be read, one loop over t and one line per equation.

The kernels in app/core (rnn.py, lstm.py, gru.py with bptt.py) are written for speed: they fuse the gates
into one matmul, fold constants into the weights and walk the steps backwards in blocks. The modules here
compute the same forward pass and the same backprop through time the plain way, with the lecture's names,
so that a student can read them line by line against the slides, and so that the tests can hold the fast
kernels to them. They take the same options as the kernels (the RNN's activation, truncated BPTT, an
initial state) and the same dh (T, B, H), the readout's direct dL/dh_t from app/core/readout.py.

Every forward here (and loss.py) also runs unchanged on complex arrays: only tanh, exp and arithmetic,
a sigmoid written as ½ + ½ tanh(a/2), relu as where(Re a > 0, a, 0), a softmax shifted by the largest real
part, and MSE as (ŷ − y)² rather than |ŷ − y|². That is what the gradient check (app/core/gradcheck.py)
needs: it differentiates these forwards by the complex step, independently of any backward pass.

Shapes: T steps, B examples, D inputs, H hidden units, K outputs; arrays are time-first.
"""

from app.core.reference import gru, loss, lstm, rnn

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru}

__all__ = ["CELLS", "gru", "loss", "lstm", "rnn"]
