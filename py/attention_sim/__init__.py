"""A teaching simulation of one scaled dot-product attention layer.

The same package runs in CPython (tests) and in the browser on Pyodide, where
`attention_sim.browser` connects it to the page.
"""

__version__ = "0.1.0"
