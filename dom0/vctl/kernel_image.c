// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel file `vctl create` is given, made into the ELF the builder
 * takes.  An ELF (vmlinux, a PV test kernel) is used as it is.  A
 * bzImage/vmlinuz carries the ELF as its compressed payload (the boot
 * protocol's payload_offset and payload_length, version 2.08 and later);
 * a vmlinux.gz or .xz is that payload alone.  gzip goes through zlib and
 * xz through liblzma; other payload formats (bzip2, lzma, lzo, lz4, zstd)
 * are refused by name.  The file is untrusted: every offset is checked
 * against its length, and the output is bounded.
 */
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kernel_image.h"

#define OUT_MAX (512UL << 20)	/* an uncompressed kernel, at most */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int fail(char *err, size_t size, const char *why)
{
	snprintf(err, size, "%s", why);
	return -1;
}

static int gunzip(const uint8_t *in, size_t len, uint8_t **out,
		  size_t *out_len, char *err, size_t size)
{
	size_t cap = len * 4 < OUT_MAX ? len * 4 : OUT_MAX;
	z_stream z;
	uint8_t *buf = malloc(cap), *grown;
	int rc;

	memset(&z, 0, sizeof(z));
	if (!buf || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return fail(err, size, "out of memory");
	}
	z.next_in = (uint8_t *)in;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	for (;;) {
		z.next_out = buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			inflateEnd(&z);
			free(buf);
			return fail(err, size, "corrupt gzip payload");
		}
		if (z.avail_out) {	/* no progress with room left */
			inflateEnd(&z);
			free(buf);
			return fail(err, size, "truncated gzip payload");
		}
		if (cap >= OUT_MAX) {
			inflateEnd(&z);
			free(buf);
			return fail(err, size, "payload unpacks to over 512 MiB");
		}
		cap = cap * 2 < OUT_MAX ? cap * 2 : OUT_MAX;
		grown = realloc(buf, cap);
		if (!grown) {
			inflateEnd(&z);
			free(buf);
			return fail(err, size, "out of memory");
		}
		buf = grown;
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	*out = buf;
	return 0;
}

/* The decoder's own memory: Linux packs its kernel with a 32 MiB
 * dictionary at most; a header asking for more is refused rather than
 * allocated. */
#define XZ_MEMLIMIT (128ULL << 20)

static int unxz(const uint8_t *in, size_t len, uint8_t **out,
		size_t *out_len, char *err, size_t size)
{
	size_t cap = len * 4 < OUT_MAX ? len * 4 : OUT_MAX;
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t *buf = malloc(cap), *grown;
	lzma_ret rc;

	if (!buf || lzma_stream_decoder(&s, XZ_MEMLIMIT, 0) != LZMA_OK) {
		free(buf);
		return fail(err, size, "out of memory");
	}
	s.next_in = in;
	s.avail_in = len;
	for (;;) {
		s.next_out = buf + s.total_out;
		s.avail_out = cap - s.total_out;
		rc = lzma_code(&s, LZMA_FINISH);
		if (rc == LZMA_STREAM_END)
			break;
		if (rc == LZMA_MEMLIMIT_ERROR) {
			lzma_end(&s);
			free(buf);
			return fail(err, size, "xz payload needs over 128 MiB "
				    "to unpack");
		}
		if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {
			lzma_end(&s);
			free(buf);
			return fail(err, size, "corrupt xz payload");
		}
		if (s.avail_out) {
			lzma_end(&s);
			free(buf);
			return fail(err, size, "truncated xz payload");
		}
		if (cap >= OUT_MAX) {
			lzma_end(&s);
			free(buf);
			return fail(err, size, "payload unpacks to over 512 MiB");
		}
		cap = cap * 2 < OUT_MAX ? cap * 2 : OUT_MAX;
		grown = realloc(buf, cap);
		if (!grown) {
			lzma_end(&s);
			free(buf);
			return fail(err, size, "out of memory");
		}
		buf = grown;
	}
	*out_len = s.total_out;
	lzma_end(&s);
	*out = buf;
	return 0;
}

/* Unpack a compressed stream by its magic. */
static int unpack(const uint8_t *p, size_t len, uint8_t **out,
		  size_t *out_len, char *err, size_t size)
{
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return gunzip(p, len, out, out_len, err, size);
	if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return unxz(p, len, out, out_len, err, size);
	if (len >= 3 && !memcmp(p, "BZh", 3))
		return fail(err, size, "a bzip2 payload is not supported "
			    "(gzip and xz are)");
	if (len >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return fail(err, size, "a zstd payload is not supported "
			    "(gzip and xz are)");
	if (len >= 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
		return fail(err, size, "an lz4 payload is not supported "
			    "(gzip and xz are)");
	return fail(err, size, "a payload neither gzip nor xz (lzma, lzo "
		    "are not supported)");
}

static bool is_elf(const uint8_t *p, size_t len)
{
	return len >= 4 && !memcmp(p, "\x7f" "ELF", 4);
}

int vctl_kernel_unpack(uint8_t **buf, size_t *len, char *err, size_t size)
{
	const uint8_t *k = *buf;
	uint8_t *out = NULL;
	size_t out_len = 0;

	if (is_elf(k, *len))
		return 0;
	if (*len > 0x250 && !memcmp(k + 0x202, "HdrS", 4)) {
		unsigned int version = k[0x206] | k[0x207] << 8;
		uint64_t setup = ((uint64_t)(k[0x1f1] ? k[0x1f1] : 4) + 1) * 512;
		uint64_t off = setup + le32(k + 0x248), plen = le32(k + 0x24c);

		if (version < 0x208)
			return fail(err, size, "a bzImage older than boot "
				    "protocol 2.08 (no payload fields)");
		if (off > *len || plen > *len - off || !plen)
			return fail(err, size, "bzImage payload outside the "
				    "file");
		if (unpack(k + off, plen, &out, &out_len, err, size))
			return -1;
	} else if (unpack(k, *len, &out, &out_len, err, size)) {
		return -1;
	}
	if (!is_elf(out, out_len)) {
		free(out);
		return fail(err, size, "the unpacked kernel is not an ELF");
	}
	free(*buf);
	*buf = out;
	*len = out_len;
	return 0;
}
