#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const char NAME[]` holding
# FILE's text, for a file built into a binary (the maintenance catalog).
set -eu
printf '/* Generated from %s by scripts/embed.sh: do not edit. */\n' "$2"
printf 'extern const char %s[];\nconst char %s[] =\n' "$1" "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$2"
printf '\t"";\n'
