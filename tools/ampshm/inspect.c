/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampshm inspect: what a remoteproc firmware image holds (ELF header,
 * segments, sections, the resource table decoded) and whether its layout
 * passes the checks. A malformed image prints the parser's error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/error.h>
#include <ampshm/remoteproc_image.h>

#include "cli.h"
#include "core/parse.h"

#define MAX_MEM 16

struct opts {
	int json, strict;
	struct amp_sg mem[MAX_MEM];
	struct amp_rproc_layout lay;
};

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 3:
		return "x86";
	case 8:
		return "MIPS";
	case 40:
		return "ARM";
	case 62:
		return "x86-64";
	case 94:
		return "Xtensa";
	case 105:
		return "MSP430";
	case 140:
		return "TI C6000";
	case 164:
		return "Hexagon";
	case 183:
		return "AArch64";
	case 243:
		return "RISC-V";
	default:
		return "unknown";
	}
}

static const char *seg_type(uint32_t t)
{
	switch (t) {
	case 0:
		return "NULL";
	case 1:
		return "LOAD";
	case 2:
		return "DYNAMIC";
	case 3:
		return "INTERP";
	case 4:
		return "NOTE";
	case 6:
		return "PHDR";
	case 7:
		return "TLS";
	case 0x70000001:
		return "EXIDX";
	default:
		return "OTHER";
	}
}

static const char *kind_name(enum amp_rproc_rsc_kind k)
{
	static const char *const names[] = { "carveout", "devmem",     "trace",
					     "vdev",	 "carveout64", "vendor",
					     "unknown" };

	return (unsigned int)k < 7 ? names[k] : "unknown";
}

static void flags_str(uint32_t f, char s[4])
{
	s[0] = f & AMP_RPROC_PF_R ? 'R' : '-';
	s[1] = f & AMP_RPROC_PF_W ? 'W' : '-';
	s[2] = f & AMP_RPROC_PF_X ? 'X' : '-';
	s[3] = 0;
}

/* An address, or "any". */
static const char *addr(uint64_t a, char buf[24])
{
	if (a == AMP_ADDR_ANY)
		return "any";
	snprintf(buf, 24, "0x%" PRIx64, a);
	return buf;
}

/* A JSON string (names come from the image: escape everything odd). */
static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Printable copy of an untrusted name for the text output. */
static const char *safe(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = 0;
	return buf;
}

static void text_entry(const struct amp_rproc_rsc *rsc, size_t i)
{
	const struct amp_rproc_rsc_entry *e = amp_rproc_rsc_entry(rsc, i);
	char a[24], b[24], nm[40];
	unsigned int v;

	printf("  [%zu] %-10s @0x%-5" PRIx32 " ", i, kind_name(e->kind),
	       e->offset);
	switch (e->kind) {
	case AMP_RPROC_RSC_CARVEOUT:
	case AMP_RPROC_RSC_DEVMEM:
	case AMP_RPROC_RSC_CARVEOUT64:
		printf("'%s' da %s pa %s len 0x%" PRIx64 " flags 0x%" PRIx32
		       "\n",
		       safe(e->u.mem.name, nm, sizeof(nm)),
		       addr(e->u.mem.da, a), addr(e->u.mem.pa, b), e->u.mem.len,
		       e->u.mem.flags);
		break;
	case AMP_RPROC_RSC_TRACE:
		printf("'%s' da 0x%" PRIx64 " len 0x%" PRIx64 "\n",
		       safe(e->u.trace.name, nm, sizeof(nm)), e->u.trace.da,
		       e->u.trace.len);
		break;
	case AMP_RPROC_RSC_VDEV:
		printf("id %" PRIu32 "%s notifyid %" PRIu32
		       " dfeatures 0x%" PRIx32 " gfeatures 0x%" PRIx32
		       " config_len %" PRIu32 " status 0x%x vrings %u\n",
		       e->u.vdev.id, e->u.vdev.id == 7 ? " (rpmsg)" : "",
		       e->u.vdev.notifyid, e->u.vdev.dfeatures,
		       e->u.vdev.gfeatures, e->u.vdev.config_len,
		       e->u.vdev.status, e->u.vdev.num_of_vrings);
		for (v = 0; v < e->u.vdev.num_of_vrings; v++) {
			const struct amp_rproc_rsc_vring *r =
				amp_rproc_rsc_vring(rsc, i, v);

			printf("        vring %u: da %s align %" PRIu32
			       " num %" PRIu32 " notifyid %" PRIu32
			       " size 0x%" PRIx64 "\n",
			       v, addr(r->da, a), r->align, r->num, r->notifyid,
			       r->size);
		}
		break;
	case AMP_RPROC_RSC_VENDOR:
		printf("type %" PRIu32 " len %" PRIu32 " (skipped)\n", e->type,
		       e->u.vendor_len);
		break;
	default:
		printf("type %" PRIu32 " (ignored)\n", e->type);
		break;
	}
}

static void text(const char *path, size_t size,
		 const struct amp_rproc_image *img,
		 const struct amp_rproc_rsc *rsc, uint64_t rsc_da,
		 const char *rsc_err, const char *layout_err)
{
	const struct amp_rproc_image_info *in = amp_rproc_image_info(img);
	char nm[64];
	size_t i;

	printf("file:    %s (%zu bytes)\n", path, size);
	printf("class:   ELF%u\n", in->elf_class);
	printf("machine: %u (%s)\n", in->machine, machine_name(in->machine));
	printf("entry:   0x%" PRIx64 "\n", in->entry);
	printf("segments: %zu\n", in->nsegments);
	printf("  %-3s %-7s %-10s %-18s %-18s %-10s %-10s %s\n", "#", "type",
	       "offset", "vaddr", "paddr", "filesz", "memsz", "flags");
	for (i = 0; i < in->nsegments; i++) {
		const struct amp_rproc_segment *s =
			amp_rproc_image_segment(img, i);
		char f[4], o[24], va[24], pa[24], fs[24], ms[24];

		flags_str(s->flags, f);
		snprintf(o, sizeof(o), "0x%" PRIx64, s->offset);
		snprintf(va, sizeof(va), "0x%" PRIx64, s->vaddr);
		snprintf(pa, sizeof(pa), "0x%" PRIx64, s->paddr);
		snprintf(fs, sizeof(fs), "0x%" PRIx64, s->filesz);
		snprintf(ms, sizeof(ms), "0x%" PRIx64, s->memsz);
		printf("  %-3zu %-7s %-10s %-18s %-18s %-10s %-10s %s\n", i,
		       seg_type(s->type), o, va, pa, fs, ms, f);
	}
	printf("sections: %zu\n", in->nsections ? in->nsections - 1 : 0);
	for (i = 1; i < in->nsections; i++) {
		const struct amp_rproc_section *s =
			amp_rproc_image_section(img, i);

		printf("  [%zu] %-20s type %-2" PRIu32 " addr 0x%-10" PRIx64
		       " offset 0x%-6" PRIx64 " size 0x%" PRIx64 "\n",
		       i, safe(s->name, nm, sizeof(nm)), s->type, s->addr,
		       s->offset, s->size);
	}
	if (rsc_err) {
		printf("resource table: %s\n", rsc_err);
	} else {
		printf("resource table: " AMP_RPROC_RSC_SECTION
		       " at da 0x%" PRIx64 ", %zu bytes, %zu entries\n",
		       rsc_da, amp_rproc_rsc_size(rsc),
		       amp_rproc_rsc_count(rsc));
		for (i = 0; i < amp_rproc_rsc_count(rsc); i++)
			text_entry(rsc, i);
	}
	printf("layout:  %s\n", layout_err ? layout_err : "ok");
}

static void json_hex(const char *key, uint64_t v, const char *sep)
{
	printf("\"%s\": \"0x%" PRIx64 "\"%s", key, v, sep);
}

static void json_addr(const char *key, uint64_t v, const char *sep)
{
	if (v == AMP_ADDR_ANY)
		printf("\"%s\": \"any\"%s", key, sep);
	else
		json_hex(key, v, sep);
}

static void json_entry(const struct amp_rproc_rsc *rsc, size_t i)
{
	const struct amp_rproc_rsc_entry *e = amp_rproc_rsc_entry(rsc, i);
	unsigned int v;

	printf("    {\"kind\": \"%s\", \"type\": %" PRIu32
	       ", \"offset\": %" PRIu32 ", \"size\": %" PRIu32 ", ",
	       kind_name(e->kind), e->type, e->offset, e->size);
	switch (e->kind) {
	case AMP_RPROC_RSC_CARVEOUT:
	case AMP_RPROC_RSC_DEVMEM:
	case AMP_RPROC_RSC_CARVEOUT64:
		printf("\"name\": ");
		jstr(e->u.mem.name);
		printf(", ");
		json_addr("da", e->u.mem.da, ", ");
		json_addr("pa", e->u.mem.pa, ", ");
		json_hex("len", e->u.mem.len, ", ");
		printf("\"flags\": %" PRIu32 "}", e->u.mem.flags);
		break;
	case AMP_RPROC_RSC_TRACE:
		printf("\"name\": ");
		jstr(e->u.trace.name);
		printf(", ");
		json_hex("da", e->u.trace.da, ", ");
		json_hex("len", e->u.trace.len, "}");
		break;
	case AMP_RPROC_RSC_VDEV:
		printf("\"id\": %" PRIu32 ", \"notifyid\": %" PRIu32
		       ", \"dfeatures\": %" PRIu32 ", \"gfeatures\": %" PRIu32
		       ", \"config_len\": %" PRIu32 ", \"status\": %u, "
		       "\"vrings\": [",
		       e->u.vdev.id, e->u.vdev.notifyid, e->u.vdev.dfeatures,
		       e->u.vdev.gfeatures, e->u.vdev.config_len,
		       e->u.vdev.status);
		for (v = 0; v < e->u.vdev.num_of_vrings; v++) {
			const struct amp_rproc_rsc_vring *r =
				amp_rproc_rsc_vring(rsc, i, v);

			printf("%s{", v ? ", " : "");
			json_addr("da", r->da, ", ");
			printf("\"align\": %" PRIu32 ", \"num\": %" PRIu32
			       ", \"notifyid\": %" PRIu32 ", ",
			       r->align, r->num, r->notifyid);
			json_hex("size", r->size, "}");
		}
		printf("]}");
		break;
	case AMP_RPROC_RSC_VENDOR:
		printf("\"len\": %" PRIu32 "}", e->u.vendor_len);
		break;
	default:
		printf("\"ignored\": true}");
		break;
	}
}

static void json(const char *path, size_t size,
		 const struct amp_rproc_image *img,
		 const struct amp_rproc_rsc *rsc, uint64_t rsc_da,
		 const char *rsc_err, const char *layout_err)
{
	const struct amp_rproc_image_info *in = amp_rproc_image_info(img);
	size_t i;

	printf("{\n  \"file\": ");
	jstr(path);
	printf(",\n  \"size\": %zu,\n  \"class\": %u,\n  \"machine\": %u,\n"
	       "  \"machine_name\": \"%s\",\n  ",
	       size, in->elf_class, in->machine, machine_name(in->machine));
	json_hex("entry", in->entry, ",\n  \"segments\": [\n");
	for (i = 0; i < in->nsegments; i++) {
		const struct amp_rproc_segment *s =
			amp_rproc_image_segment(img, i);
		char f[4];

		flags_str(s->flags, f);
		printf("    {\"type\": \"%s\", \"p_type\": %" PRIu32 ", ",
		       seg_type(s->type), s->type);
		json_hex("offset", s->offset, ", ");
		json_hex("vaddr", s->vaddr, ", ");
		json_hex("paddr", s->paddr, ", ");
		json_hex("filesz", s->filesz, ", ");
		json_hex("memsz", s->memsz, ", ");
		printf("\"flags\": \"%s\"}%s\n", f,
		       i + 1 < in->nsegments ? "," : "");
	}
	printf("  ],\n  \"sections\": [\n");
	for (i = 1; i < in->nsections; i++) {
		const struct amp_rproc_section *s =
			amp_rproc_image_section(img, i);

		printf("    {\"name\": ");
		jstr(s->name);
		printf(", \"type\": %" PRIu32 ", ", s->type);
		json_hex("addr", s->addr, ", ");
		json_hex("offset", s->offset, ", ");
		json_hex("size", s->size, "}");
		printf("%s\n", i + 1 < in->nsections ? "," : "");
	}
	printf("  ],\n  \"resource_table\": ");
	if (rsc_err) {
		printf("{\"error\": ");
		jstr(rsc_err);
		printf("}");
	} else {
		printf("{");
		json_hex("da", rsc_da, ", ");
		printf("\"size\": %zu, \"entries\": [\n",
		       amp_rproc_rsc_size(rsc));
		for (i = 0; i < amp_rproc_rsc_count(rsc); i++) {
			json_entry(rsc, i);
			printf("%s\n",
			       i + 1 < amp_rproc_rsc_count(rsc) ? "," : "");
		}
		printf("  ]}");
	}
	printf(",\n  \"layout\": ");
	if (layout_err)
		jstr(layout_err);
	else
		printf("\"ok\"");
	printf("\n}\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "mem", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' },
		{ "strict", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = 1;
			break;
		case 's':
			o->strict = 1;
			break;
		case 'l':
			if (amp_parse_size(optarg, &o->lay.mem_limit)) {
				fprintf(stderr,
					"ampshm inspect: bad --limit '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'm': {
			char *colon = strchr(optarg, ':');
			struct amp_sg *m = &o->mem[o->lay.nmem];

			if (o->lay.nmem == MAX_MEM || !colon) {
				fprintf(stderr,
					"ampshm inspect: bad --mem '%s' (DA:SIZE, at most %d)\n",
					optarg, MAX_MEM);
				return -EINVAL;
			}
			*colon = 0;
			if (amp_parse_size(optarg, &m->addr) ||
			    amp_parse_size(colon + 1, &m->len)) {
				fprintf(stderr, "ampshm inspect: bad --mem\n");
				return -EINVAL;
			}
			o->lay.nmem++;
			break;
		}
		default:
			return -EINVAL;
		}
	}
	o->lay.mem = o->mem;
	return optind;
}

static int run(int argc, char **argv)
{
	struct opts o = { 0 };
	struct amp_rproc_image *img = NULL;
	struct amp_rproc_rsc *rsc = NULL;
	char rsc_err[300] = "", layout_err[300] = "";
	const void *table;
	unsigned char *buf;
	size_t size, tsize;
	uint64_t da = 0;
	const char *path;
	int ret, first;

	first = parse_opts(argc, argv, &o);
	if (first < 0 || first != argc - 1) {
		amp_cli_usage(stderr, &amp_cli_inspect);
		return AMP_CLI_USAGE;
	}
	path = argv[first];
	ret = amp_cli_read_file(path, &buf, &size);
	if (ret) {
		fprintf(stderr, "ampshm inspect: %s: %s\n", path,
			strerror(-ret));
		return AMP_CLI_FAIL;
	}
	ret = amp_rproc_image_parse(buf, size, &img);
	if (ret) {
		fprintf(stderr, "ampshm inspect: %s: %s (%s)\n", path,
			amp_last_error(), strerror(-ret));
		free(buf);
		return AMP_CLI_FAIL;
	}
	ret = amp_rproc_image_rsc_table(img, &table, &tsize, &da);
	if (!ret)
		ret = amp_rproc_rsc_parse(table, tsize, &rsc);
	if (ret)
		snprintf(rsc_err, sizeof(rsc_err), "%s", amp_last_error());
	/* A missing table is normal; a malformed one is an error. */
	if (ret == -ENOENT)
		ret = 0;
	if (amp_rproc_check_layout(img, rsc, &o.lay))
		snprintf(layout_err, sizeof(layout_err), "%s",
			 amp_last_error());
	if (o.json)
		json(path, size, img, rsc, da, rsc_err[0] ? rsc_err : NULL,
		     layout_err[0] ? layout_err : NULL);
	else
		text(path, size, img, rsc, da, rsc_err[0] ? rsc_err : NULL,
		     layout_err[0] ? layout_err : NULL);
	if (ret)
		fprintf(stderr, "ampshm inspect: %s: %s\n", path, rsc_err);
	else if (o.strict && layout_err[0]) {
		fprintf(stderr, "ampshm inspect: %s: %s\n", path, layout_err);
		ret = -EINVAL;
	}
	amp_rproc_rsc_free(rsc);
	amp_rproc_image_free(img);
	free(buf);
	return ret ? AMP_CLI_FAIL : AMP_CLI_OK;
}

const struct amp_cli_cmd amp_cli_inspect = {
	.name = "inspect",
	.summary = "show a firmware image: ELF header, segments, sections, "
		   "resource table, layout checks",
	.usage =
		"inspect [--json] [--mem DA:SIZE]... [--limit ADDR] [--strict] "
		"FW.elf\n\n"
		"  --json          JSON instead of text\n"
		"  --mem DA:SIZE   device memory the firmware may use besides "
		"its carveouts\n"
		"                  (TCM, SRAM); repeatable\n"
		"  --limit ADDR    carveouts must end at or below ADDR\n"
		"  --strict        a layout check failure is an error\n\n"
		"Exit status: 0, 1 for a malformed image or table (or a "
		"layout failure\nwith --strict), 2 for a bad command line.",
	.run = run,
};
