import sys

from data.cli import main
from data.pipes import run_quietly_on_broken_pipe

sys.exit(run_quietly_on_broken_pipe(main))
