"""`python -m devtools.demo` (`make demo`)."""

import sys

from devtools.demo.main import main

sys.exit(main())
