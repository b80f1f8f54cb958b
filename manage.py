#!/usr/bin/env python
from xuncha.cli import main

if __name__ == "__main__":
    main()
