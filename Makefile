# Shortcuts for scripts/dev.sh, which does the real work (and needs no make).
.PHONY: run test person-model bench
run:
	scripts/dev.sh run
test:
	scripts/dev.sh test
person-model:
	scripts/dev.sh person-model
bench:
	scripts/dev.sh bench
