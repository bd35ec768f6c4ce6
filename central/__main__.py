import sys

from central.main import main

sys.exit(main())
