#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Turn `nm -n` output of the first-pass hypervisor image (on stdin) into
# the assembly of the symbol table used by backtraces (common/symbols.c):
# sorted text-symbol addresses, offsets into a name blob, and the names.
# With no input it produces an empty table, for the first link.
awk '
BEGIN { n = 0 }
NF == 3 && $2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ && $3 !~ /^__(text|image)_/ {
	addr[n] = $1; name[n] = $3; n++
}
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.globl ksym_count, ksym_addrs, ksym_name_offs, ksym_names"
	print "ksym_count:\n\t.quad " n
	print "ksym_addrs:"
	for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
	print "ksym_name_offs:"
	off = 0
	for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
	print "ksym_names:"
	for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}'
