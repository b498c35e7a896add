"""Skip one import-time cost of a transitive dependency in the processes that read notebooks.

nbformat validates notebooks with jsonschema, and jsonschema imports every format checker it can find
when it is first imported. With ``rfc3987-syntax`` installed (jupyter-events asks for
``jsonschema[format-nongpl]``), that import compiles about 35 Earley grammars: 0.85 s of CPU on this
machine, in every process that reads a notebook (each report, each pytest process through nbval),
for the ``iri`` formats that no notebook schema uses (python-jsonschema/jsonschema#1428). Marking the
module absent before jsonschema is imported makes jsonschema leave those two formats unchecked, as it
does when the package is not installed. Imported first by ``report.py`` and by pytest (``-p``).
"""

from __future__ import annotations

import sys

SKIPPED = "rfc3987_syntax"

if "jsonschema._format" not in sys.modules:  # once jsonschema has its checkers, leave them be
    sys.modules.setdefault(SKIPPED, None)  # ``import rfc3987_syntax`` now raises ImportError
