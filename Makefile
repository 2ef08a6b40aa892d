# The two commands README.md starts with.
.PHONY: run test setup

run:
	scripts/run.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh
