// SPDX-License-Identifier: GPL-2.0
/*
 * Trap table, callbacks and the C half of trap entry.
 *
 * traps_init() points every vector 0-31 of the trap table, and the event,
 * failsafe and syscall callbacks, at the stubs in lib/entry.S.
 * trap_dispatch() decodes the bounce frame into a struct bounce, hands it
 * to the test's handler for that vector and builds the iret_context the
 * exit path returns through.  A vector nobody expects fails the test.
 */
#include "pv.h"

extern char trap_stubs[];
#define STUB(vec) ((unsigned long)trap_stubs + 16 * (vec))

static trap_handler_t handlers[NR_VECS];
struct probe_record probe_rec;
static unsigned int event_upcalls;

int vector_has_error_code(unsigned int vec)
{
	switch (vec) {
	case 8: case 10: case 11: case 12: case 13: case 14: case 17: case 21:
		return 1;
	}
	return 0;
}

void set_handler(unsigned int vec, trap_handler_t h)
{
	handlers[vec] = h;
}

long set_trap(unsigned int vec, unsigned int dpl, int mask_events)
{
	struct trap_info t[2];

	memset(t, 0, sizeof(t));
	t[0].vector = vec;
	t[0].flags = dpl | (mask_events ? 4 : 0);
	t[0].cs = FLAT_KERNEL_CS;
	t[0].address = STUB(vec);
	return hyp_set_trap_table(t);
}

static void decode(struct trap_regs *r, struct bounce *b)
{
	uint64_t *f = r->frame;
	unsigned int i = 2;

	memset(b, 0, sizeof(*b));
	b->frame_addr = (uint64_t)f;
	b->rcx = f[0];
	b->r11 = f[1];
	if (r->vector == VEC_FAILSAFE) {
		i = 6;		/* ds, es, fs, gs follow rcx and r11 */
	} else if (r->vector < 256 && vector_has_error_code(r->vector)) {
		b->has_error_code = 1;
		b->error_code = f[2];
		i = 3;
	}
	b->rip = f[i];
	b->cs = f[i + 1];
	b->rflags = f[i + 2];
	b->rsp = f[i + 3];
	b->ss = f[i + 4];
}

void trap_dispatch(struct trap_regs *r)
{
	struct bounce b;
	trap_handler_t h = r->vector < NR_VECS ? handlers[r->vector] : NULL;

	decode(r, &b);
	/* The registers the bounce frame saved are the interrupted ones. */
	r->rcx = b.rcx;
	r->r11 = b.r11;
	if (!h)
		fail("unexpected trap: vector %lu at rip 0x%lx, cs 0x%lx, "
		     "error code 0x%lx, cr2 0x%lx", r->vector, b.rip, b.cs,
		     b.error_code, vcpu0()->arch.cr2);
	h(r, &b);
	r->ctx.rax = r->rax;
	r->ctx.r11 = r->r11;
	r->ctx.rcx = r->rcx;
	r->ctx.flags = b.iret_flags;
	r->ctx.rip = b.rip;
	r->ctx.cs = b.cs;
	r->ctx.rflags = b.rflags;
	r->ctx.rsp = b.rsp;
	r->ctx.ss = b.ss;
}

void probe_catch(struct trap_regs *r, struct bounce *b)
{
	probe_rec.count++;
	probe_rec.vector = r->vector;
	probe_rec.b = *b;
	probe_rec.cr2 = vcpu0()->arch.cr2;
	probe_rec.upcall_mask = vcpu0()->evtchn_upcall_mask;
	b->rip = probe_rec.resume_rip;
	b->rflags &= ~X86_EFLAGS_TF;
}

void probe_arm(unsigned int vector)
{
	memset(&probe_rec, 0, sizeof(probe_rec));
	probe_rec.expected = vector;
	set_handler(vector, probe_catch);
}

/*
 * The frame of an exception taken in guest kernel mode, as Xen builds
 * it: on the interrupted stack, aligned down to 16 bytes; CS with its
 * RPL cleared (kernel context) and the saved upcall mask in bits 32-39;
 * RFLAGS.IF the inverse of that mask.
 */
void check_kernel_frame(unsigned int vector, int want_err, uint64_t err,
			uint64_t rip)
{
	struct bounce *b = &probe_rec.b;
	uint64_t words = want_err ? 8 : 7;

	printk("  vector %u: rip 0x%lx cs 0x%lx rflags 0x%lx rsp 0x%lx "
	       "ss 0x%lx err %s0x%lx frame 0x%lx\n", probe_rec.vector,
	       b->rip, b->cs, b->rflags, b->rsp, b->ss,
	       b->has_error_code ? "" : "(none) ", b->error_code,
	       b->frame_addr);
	check_eq(probe_rec.count, 1);
	check_eq(probe_rec.vector, vector);
	check_eq(b->has_error_code, want_err);
	check_eq(b->rip, rip);
	if (want_err)
		check_eq(b->error_code, err);
	check_eq(b->cs & 0xffff, FLAT_KERNEL_CS & ~3);
	check_eq((b->cs >> 32) & 0xff, 1);
	check_eq(b->rflags & X86_EFLAGS_IF, 0);
	check_eq(b->rsp, probe_rec.rsp);
	check_eq(b->ss, FLAT_KERNEL_SS);
	check_eq(b->frame_addr, (probe_rec.rsp & ~15UL) - words * 8);
	check_eq(probe_rec.upcall_mask, 1);
}

/* Events: nothing binds a channel, but be safe if one arrives. */
static void event_handler(struct trap_regs *r, struct bounce *b)
{
	event_upcalls++;
	vcpu0()->evtchn_upcall_pending = 0;
}

static void register_callback(unsigned int type, unsigned int vec,
			      unsigned int flags)
{
	struct callback_register cb = {
		.type = type,
		.flags = flags,
		.address = STUB(vec),
	};
	long rc = hyp_callback_op(CALLBACKOP_register, &cb);

	if (rc)
		fail("callback_op(register, type %u) = %ld", type, rc);
}

void traps_init(void)
{
	struct trap_info table[33];
	unsigned int v;
	long rc;

	memset(table, 0, sizeof(table));
	for (v = 0; v < 32; v++) {
		table[v].vector = v;
		/* int3 and into may be raised from any ring, as on Linux. */
		table[v].flags = (v == 3 || v == 4) ? 3 : 0;
		table[v].cs = FLAT_KERNEL_CS;
		table[v].address = STUB(v);
	}
	rc = hyp_set_trap_table(table);
	if (rc)
		fail("set_trap_table = %ld", rc);
	register_callback(CALLBACKTYPE_event, VEC_EVENT, 0);
	register_callback(CALLBACKTYPE_failsafe, VEC_FAILSAFE, 0);
	register_callback(CALLBACKTYPE_syscall, VEC_SYSCALL,
			  CALLBACKF_mask_events);
	set_handler(VEC_EVENT, event_handler);
}
